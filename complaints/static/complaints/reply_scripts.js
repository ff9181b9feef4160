// Reply scripts: a click inserts the script's text into the reply box at the cursor.
// Bound once on the document, so panels swapped in by htmx work without re-binding.
(function () {
  if (window.complaintReplyScriptsBound) return;
  window.complaintReplyScriptsBound = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".script-insert");
    if (!button) return;
    var holder = button.closest("[data-reply-target]");
    var box = document.querySelector(holder ? holder.dataset.replyTarget : "#id_reply_body") ||
      document.querySelector("textarea[name=body]");
    if (!box) return;
    var text = button.dataset.scriptText;
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
