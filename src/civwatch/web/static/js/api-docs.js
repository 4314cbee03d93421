// Starts the vendored Swagger UI (/docs) or ReDoc (/redoc) on the app's OpenAPI document.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-openapi") || "/openapi.json";
  if (document.getElementById("swagger-ui") && window.SwaggerUIBundle) {
    window.ui = window.SwaggerUIBundle({ url: url, dom_id: "#swagger-ui", deepLinking: true });
  } else if (document.getElementById("redoc") && window.Redoc) {
    window.Redoc.init(url, {}, document.getElementById("redoc"));
  }
})();
