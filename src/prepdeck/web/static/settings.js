// After the settings are saved, the chosen theme replaces any quick toggle made earlier.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var saved = document.getElementById("settings-saved");
    if (!saved) return;
    var theme = saved.getAttribute("data-theme-saved");
    try { localStorage.removeItem("prepdeck-theme"); } catch (e) { /* ignore */ }
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    } else {
      document.documentElement.removeAttribute("data-theme");
    }
  });
})();
