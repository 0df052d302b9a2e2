/**
 * Colours for Swagger UI at /api/docs that meet WCAG 2.1 AA contrast (4.5:1 for text). Swagger UI's
 * own palette puts white text on light green, blue and orange method badges (about 2:1), and its
 * links and version stamps fall short as well. Served as a file (theme/theme.css), so the page
 * stays under the strict `style-src 'self'` policy.
 */
export const DOCS_THEME_CSS = `
.swagger-ui a, .swagger-ui .info a, .swagger-ui .info .link { color: #1a5da6; }
.swagger-ui .info .title small { background: #4a5160; }
.swagger-ui .info .title small.version-stamp { background: #2f6b00; }
.swagger-ui .info .title small pre { color: #ffffff; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1a5da6; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1d7148; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4f00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #17695c; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b0241c; }
.swagger-ui .opblock.opblock-head .opblock-summary-method,
.swagger-ui .opblock.opblock-options .opblock-summary-method { background: #5b3aa0; }
.swagger-ui .opblock .opblock-summary-path, .swagger-ui .opblock .opblock-summary-path__deprecated,
.swagger-ui .opblock .opblock-summary-description { color: #1f2430; }
.swagger-ui .parameter__in, .swagger-ui .parameter__type, .swagger-ui .prop-format,
.swagger-ui .model .property.primitive, .swagger-ui .model-title, .swagger-ui .prop-type { color: #4a5160; }
.swagger-ui .parameter__name.required span, .swagger-ui .parameter__name.required:after { color: #b0241c; }
.swagger-ui .response-col_status, .swagger-ui .response-col_links, .swagger-ui table thead tr th,
.swagger-ui table thead tr td { color: #1f2430; }
.swagger-ui .opblock-tag small, .swagger-ui .markdown p, .swagger-ui .renderedMarkdown p { color: #2b3140; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize span { color: #1d7148; border-color: #1d7148; }
.swagger-ui .model-toggle:after { opacity: 1; }
`;

/**
 * Swagger UI draws an enum parameter as a <select> with no label. This names each such control
 * after its parameter ("kind (query)"), also in operations opened later. Served as a file
 * (theme/theme-a11y.js) under `script-src 'self'`.
 */
export const DOCS_THEME_JS = `
(function () {
  function label() {
    document.querySelectorAll('.swagger-ui tr[data-param-name] select:not([aria-label])').forEach(function (s) {
      var row = s.closest('tr[data-param-name]');
      s.setAttribute('aria-label', row.getAttribute('data-param-name') + ' (' + row.getAttribute('data-param-in') + ')');
    });
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
})();
`;
