from typing import Any

from django import forms

_DJANGO_REQUIRED = "该字段是必填项。"


def mark_invalid(form: forms.BaseForm) -> None:
    """Give inputs with errors Bootstrap's is-invalid class (a red border a user notices)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class StyledForm(forms.Form):
    """Adds the CSS classes of the form pattern to every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") in (None, _DJANGO_REQUIRED):
                field.error_messages["required"] = f"请填写{field.label}。"
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        mark_invalid(self)


def attach_error(form: forms.Form, message: str, field_hints: dict[str, tuple[str, ...]]) -> None:
    """Put a service's Chinese error next to the field it is about (by keyword), else on the form."""
    for field, keywords in field_hints.items():
        if field in form.fields and any(k in message for k in keywords):
            form.add_error(field, message)
            return
    form.add_error(None, message)


class DateInput(forms.DateInput):
    """`<input type="date">`. The browser reads only `YYYY-MM-DD`; the zh-hans locale would write
    `2026/12/31`, which the browser drops, so the user would see an empty box and retype the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """`<input type="datetime-local">` to the second, in Beijing time (the form field converts an aware
    value to the current time zone, Asia/Shanghai). The browser reads only `YYYY-MM-DDTHH:MM[:SS]`."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")
