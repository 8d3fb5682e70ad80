// Apply the saved theme before the page paints (no inline scripts: CSP forbids them).
(function () {
  try {
    var saved = localStorage.getItem("prepdeck-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage may be disabled */ }
})();
