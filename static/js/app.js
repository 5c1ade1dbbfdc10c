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
  // Buttons marked data-print open the browser's print dialog (公示表, 评审表).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Send the CSRF token with every htmx request.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
});

// Nothing typed is lost: a form marked data-autosave keeps its unsaved values in this browser until the
// server confirms a save (data-saved), so an expired login or a closed tab does not lose them. The stored
// copy belongs to one form version (data-version); it is never restored over a newer saved version.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosave]").forEach((form) => {
    const key = "autosave:" + form.dataset.autosave;
    const version = form.dataset.version || "";
    if (form.dataset.saved === "1") {
      window.localStorage.removeItem(key);
    } else {
      const raw = window.localStorage.getItem(key);
      const stored = raw ? JSON.parse(raw) : null;
      if (stored && stored.version === version) {
        restore(form, stored.values);
        const notice = document.getElementById(form.dataset.autosave + "-restored");
        if (notice) notice.hidden = false;
      }
    }
    form.addEventListener("input", () => {
      window.localStorage.setItem(key, JSON.stringify({ version: version, values: collect(form) }));
    });
  });

  function collect(form) {
    const values = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((field) => {
      if (field.type === "hidden" || field.type === "file" || field.disabled) return;
      if (field.type === "checkbox" || field.type === "radio") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((field) => {
      if (!(field.name in values) || field.type === "hidden" || field.type === "file") return;
      const value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = Array.isArray(value) && value.includes(field.value);
      } else {
        field.value = value;
      }
    });
  }
});
