// Mermaid diagrams in bank text (<pre class="mermaid">), also after HTMX swaps.
// Banks are untrusted: securityLevel "strict" (no click handlers, labels sanitised), and
// the keys in `secure` cannot be changed by a diagram's %%{init}%% directive.
(function () {
  "use strict";
  if (!window.mermaid) return;
  var dark = document.documentElement.getAttribute("data-theme") === "dark" ||
    (!document.documentElement.getAttribute("data-theme") &&
      window.matchMedia("(prefers-color-scheme: dark)").matches);
  window.mermaid.initialize({
    startOnLoad: true,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
    secure: ["secure", "securityLevel", "startOnLoad", "maxTextSize", "maxEdges",
      "suppressErrorRendering", "theme", "themeCSS", "themeVariables", "fontFamily",
      "htmlLabels", "flowchart", "dompurifyConfig"],
    htmlLabels: false,
    flowchart: { htmlLabels: false }
  });

  // The server writes <pre class="mermaid"><code>text</code></pre>; mermaid reads the
  // element's innerHTML, so keep only the text (set as text: nothing is parsed as HTML).
  function unwrap(root) {
    var nodes = root.querySelectorAll("pre.mermaid:not([data-processed])");
    Array.prototype.forEach.call(nodes, function (pre) { pre.textContent = pre.textContent; });
    return nodes;
  }
  unwrap(document);  // deferred: the page is parsed; mermaid draws these on "load"

  function renderIn(root) {
    if (!root || !root.querySelectorAll) return;
    var nodes = unwrap(root);
    if (nodes.length) {
      window.mermaid.run({ nodes: nodes }).catch(function (e) { console.warn(e); });
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) { renderIn(event.target); });
  document.addEventListener("htmx:oobAfterSwap", function (event) { renderIn(event.target); });
})();
