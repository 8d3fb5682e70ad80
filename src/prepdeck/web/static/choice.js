// Multiple-choice keys: a-h pick an option, 1-4 rate (the proposed rating has the focus).
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key.toLowerCase();
    var target = null;
    if (/^[a-h]$/.test(key)) {
      target = document.querySelector('#choice-form button.option[data-letter="' + key + '"]');
    } else if (/^[1-4]$/.test(key)) {
      target = document.querySelector('#ratings button[data-rating="' + key + '"]');
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  });
})();
