// The API's docs page: Swagger UI (vendored under static/docs) over /openapi.json. A file of its own, not
// an inline script: the app's Content-Security-Policy (script-src 'self') refuses inline scripts, which
// left the page blank.
(function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,  // no badge fetched from validator.swagger.io: the app works offline
  });
})();
