// Practice keyboard shortcuts: Space reveal, 1-4 rate, Ctrl+Enter check, h hint, u undo.
(function () {
  "use strict";

  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (!document.querySelector(".practice")) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = document.getElementById("answer-form");
      if (form) {
        event.preventDefault();
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else click("#check-btn");
      }
      return;
    }
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === " ") {
      if (event.target && event.target.tagName === "BUTTON") return;
      if (click("#reveal-btn")) event.preventDefault();
    } else if (["1", "2", "3", "4"].indexOf(event.key) >= 0) {
      if (click('#ratings button[data-rating="' + event.key + '"]')) event.preventDefault();
    } else if (event.key === "h") {
      if (click("#hint-btn")) event.preventDefault();
    } else if (event.key === "u") {
      if (click("#undo-btn")) event.preventDefault();
    }
  });

  // After a rating swaps in the next card, put the cursor in its answer box; after Check,
  // move focus out of the answer box onto the feedback (read first by screen readers), so
  // the 1-4, Space, h and u keys work at once without clicking.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "practice") {
      var box = document.getElementById("answer");
      if (box) box.focus();
    } else if (event.target && event.target.id === "feedback") {
      event.target.setAttribute("tabindex", "-1");
      event.target.focus();
    }
  });
})();
