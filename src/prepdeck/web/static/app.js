// Theme toggle and math rendering (KaTeX auto-render), also after HTMX swaps.
(function () {
  "use strict";

  function currentTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function toggleTheme() {
    var next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem("prepdeck-theme", next); } catch (e) { /* ignore */ }
  }

  function renderMath(root) {
    if (typeof window.renderMathInElement !== "function") return;
    window.renderMathInElement(root, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
        { left: "$", right: "$", display: false }
      ],
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
      throwOnError: false,
      trust: false
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (button) button.addEventListener("click", toggleTheme);
    renderMath(document.body);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    renderMath(event.target);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    renderMath(event.target);
  });

  // Search filters left at "All topics"/"Any" are not sent: /search rejects an empty
  // difficulty (422), and the address pushed to the history stays short.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("form[role=search]")) return;
    var params = event.detail.parameters;
    ["topic", "difficulty"].forEach(function (name) {
      if (params[name] === "") delete params[name];
    });
  });
})();
