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

// A period figure whose request failed (a server error, the network gone) says so and
// offers to ask again, instead of "Loading…" for ever. Its words come translated in the
// slot's data attributes.
function figureFailed(event) {
  var slot = event.detail.elt;
  if (!slot || !slot.matches || !slot.matches("[data-figure-pending]")) { return; }
  var message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = slot.dataset.failedText + " ";
  var retry = document.createElement("button");
  retry.type = "button";
  retry.className = "button small";
  retry.textContent = slot.dataset.retryText;
  retry.addEventListener("click", function () {
    slot.replaceChildren(document.createTextNode("…"));
    htmx.trigger(slot, "retry");
  });
  message.appendChild(retry);
  slot.removeAttribute("aria-busy");
  slot.setAttribute("data-figure-failed", slot.dataset.figurePending);
  slot.replaceChildren(message);
}
document.addEventListener("htmx:responseError", figureFailed);
document.addEventListener("htmx:sendError", figureFailed);
