// Swagger UI over this server's own document; the token saved by the console is offered for "Try it out".
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  onComplete: () => {
    const token = localStorage.getItem("atp.token");
    if (token) window.ui.preauthorizeApiKey("bearer", token);
  },
});
