// Mock interview: the countdowns (to deadlines the server gave), Ctrl+Enter, and Print.
// The server's timestamps decide; this only shows them. When the whole mock's time is up the
// answer typed so far is submitted.
(function () {
  "use strict";

  function clock(ms) {
    var total = Math.max(0, Math.round(ms / 1000));
    var seconds = total % 60;
    return Math.floor(total / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function startTimers(step) {
    // Correct for this machine's clock: the page says what time the server had.
    var offset = Date.parse(step.getAttribute("data-server-now")) - Date.now();
    var questionDeadline = Date.parse(step.getAttribute("data-deadline"));
    var mockDeadline = Date.parse(step.getAttribute("data-mock-deadline"));
    var questionTimer = document.getElementById("question-timer");
    var mockTimer = document.getElementById("mock-timer");
    var status = document.getElementById("time-status");
    var form = document.getElementById("mock-answer-form");
    var submitted = false;
    var warned = false;
    form.addEventListener("submit", function () { submitted = true; });

    function tick() {
      var now = Date.now() + offset;
      var left = questionDeadline - now;
      questionTimer.textContent = left >= 0 ? clock(left) : "−" + clock(-left);
      questionTimer.classList.toggle("over", left < 0);
      mockTimer.textContent = clock(mockDeadline - now);
      if (left < 0 && !warned) {
        warned = true;
        status.textContent = "Time is up for this question: submit your answer.";
      }
      if (mockDeadline - now <= 0 && !submitted) {
        submitted = true;
        status.textContent = "The mock's time is up: submitting your answer.";
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.submit();
      }
    }
    tick();
    window.setInterval(tick, 250);

    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.submit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var step = document.getElementById("mock-step");
    if (step) startTimers(step);
    var print = document.getElementById("print-report");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  });
})();
