// The SLA dashboard's live part is polled by htmx (hx-trigger="every …s"). While the
// manager has a ticket's reassign choices open, a poll would replace them under their
// hand: skip it; submitting or cancelling the form brings the live part back, and the
// next poll after that runs as usual.
// A static file, not inline: the Content-Security-Policy runs no inline script.
document.addEventListener("htmx:beforeRequest", function (event) {
  var live = document.getElementById("sla-live");
  if (!live || event.detail.elt !== live) { return; }
  if (live.querySelector("form.reassign")) {
    event.preventDefault();
  }
});
