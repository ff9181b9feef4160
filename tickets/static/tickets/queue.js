// Keyboard use of the agent queue and the ticket page, and a quiet live refresh.
// A static file, not inline: the Content-Security-Policy runs no inline script.
//   queue:  j / k next and previous row, Enter or o open, x tick, a assign the row,
//           r open the row's reply box, / search
//   ticket: r reply, a assign, / back to the queue's search
(function () {
  if (window.deskKeysBound) { return; }
  window.deskKeysBound = true;
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket-url]")); }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function mark(index) {
    var all = rows();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    var link = all[current].querySelector("td.reference a");
    if (link) { link.focus(); }
  }
  function currentRow() { var all = rows(); return current >= 0 ? all[current] : null; }
  function focusShortcut(key) {
    var target = document.querySelector('[data-shortcut="' + key + '"]');
    if (target) { target.focus(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var row = currentRow();
    switch (event.key) {
      case "j": mark(current + 1); break;
      case "k": mark(current - 1); break;
      case "o":
      case "Enter":
        if (!row) { return; }
        window.location.href = row.dataset.ticketUrl;
        break;
      case "x":
        if (!row) { return; }
        var box = row.querySelector('input[type="checkbox"]');
        if (box) { box.checked = !box.checked; }
        break;
      case "r":
        if (row) { window.location.href = row.dataset.ticketUrl + "#composer"; break; }
        if (!focusShortcut("r")) { return; }
        break;
      case "a":
        if (row) {
          var tick = row.querySelector('input[type="checkbox"]');
          if (tick) { tick.checked = true; }
        }
        if (!focusShortcut("a")) { return; }
        break;
      case "/":
        var search = document.querySelector('input[name="q"]');
        if (search) { search.focus(); search.select(); } else { window.location.href = "/tickets/"; }
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // The live refresh must not throw away what the agent is doing: skip it while rows
  // are ticked or the keyboard is inside the list, and keep the current row after a swap.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var section = event.detail.elt;
    if (!section.hasAttribute || !section.hasAttribute("data-queue-refresh")) { return; }
    var busy = document.querySelector('input[form="bulk-form"]:checked') ||
      section.contains(document.activeElement) && document.activeElement !== document.body;
    if (busy) { event.preventDefault(); }
  });
  document.addEventListener("htmx:afterSwap", function () { if (current >= 0) { mark(current); } });
  if (window.location.hash === "#composer") {
    window.addEventListener("DOMContentLoaded", function () { focusShortcut("r"); });
  }
})();
