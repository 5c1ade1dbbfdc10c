// Site-wide behaviour, loaded as a file so the CSP can forbid inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-confirm ask before a destructive action.
  document.body.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Send the CSRF token with every htmx request.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
});
