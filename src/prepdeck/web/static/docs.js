// Starts Swagger UI on /docs (a static file: the Content-Security-Policy forbids inline scripts).
// "Try it out" requests carry the CSRF token the page was rendered with, as HTMX requests do.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var header = root.getAttribute("data-csrf-header");
  var token = root.getAttribute("data-csrf-token");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    requestInterceptor: function (request) {
      var target = new URL(request.url, window.location.href);
      if (target.origin === window.location.origin && header && token) {
        request.headers[header] = token;
      }
      return request;
    },
  });
});
