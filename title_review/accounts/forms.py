from django import forms
from django.contrib.auth.forms import AuthenticationForm

from title_review.core.forms import StyledForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="登录名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        # The same sentence for an unknown account and a wrong password (no account probing).
        "invalid_login": "登录名或密码不正确，请重新输入。",
        "inactive": "该账号已被停用，请联系上级管理员。",
    }


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput,
        help_text="至少 8 位，含大写字母、小写字母、数字、符号中的至少 3 类。",
    )
    new_password_confirm = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", "两次输入的新密码不一致。")
        return data


for _field in LoginForm.base_fields.values():
    _field.widget.attrs["class"] = "form-control"
