// The ticket composer: choosing a canned reply inserts its text into the reply box at
// the cursor. Bound once on the document, so a composer swapped in by htmx works without re-binding.
(function () {
  if (window.ticketComposerBound) return;
  window.ticketComposerBound = true;
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select.canned-insert");
    if (!select || !select.value) return;
    var option = select.options[select.selectedIndex];
    var holder = select.closest("[data-reply-target]");
    var box = document.querySelector(holder ? holder.dataset.replyTarget : "#id_reply_body");
    if (!box) return;
    var text = option.dataset.scriptText || "";
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || box.value.length;
    var before = box.value.slice(0, start);
    var joiner = before && !/\s$/.test(before) ? " " : "";
    box.value = before + joiner + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + joiner.length + text.length;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
