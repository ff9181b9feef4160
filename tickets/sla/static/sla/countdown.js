// Live countdown of every running SLA clock on the page ([data-sla-due]), once a second.
// A static file, not inline: the Content-Security-Policy runs no inline script. The
// clocks partial includes it and htmx may swap the partial in again: one timer only.
(function () {
  if (window.slaCountdownRunning) { return; }
  window.slaCountdownRunning = true;
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    document.querySelectorAll("[data-sla-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.slaDue) - Date.now();
      var late = left < 0, ms = Math.abs(left);
      var h = Math.floor(ms / 3600000), m = Math.floor(ms % 3600000 / 60000), s = Math.floor(ms % 60000 / 1000);
      el.textContent = (late ? "−" : "") + h + ":" + pad(m) + ":" + pad(s) + (late ? " " + el.dataset.overdueLabel : "");
      var item = el.closest(".sla-clock");
      if (item) { item.classList.toggle("sla-overdue", late); }
    });
  }
  tick();
  setInterval(tick, 1000);
})();
