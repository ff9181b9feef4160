// The SLA dashboard's live part is polled by htmx (hx-trigger="every …s"). A poll that
// lands while the manager is choosing whom to reassign a ticket to would replace the open
// menu under their hand: skip that poll; the next one comes a few seconds later.
// A static file, not inline: the Content-Security-Policy runs no inline script.
document.addEventListener("htmx:beforeRequest", function (event) {
  var live = document.getElementById("sla-live");
  if (!live || event.detail.elt !== live) { return; }
  var active = document.activeElement;
  if (active && active.closest && active.closest("#sla-live form.reassign")) {
    event.preventDefault();
  }
});
