from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from title_review.core.forms import DateInput, StyledForm
from title_review.dictionaries.selectors import active_entries

from .passwords import PASSWORD_HELP_TEXT


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
        help_text=PASSWORD_HELP_TEXT,
    )
    new_password_confirm = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", "两次输入的新密码不一致。")
        return data


for _field in LoginForm.base_fields.values():
    _field.widget.attrs["class"] = "form-control"


def _id_type_choices() -> list[tuple[str, str]]:
    return [(e.code, e.name) for e in active_entries("id_type").order_by("sort_order", "code")]


class RegistrationForm(StyledForm):
    real_name = forms.CharField(label="真实姓名", max_length=50)
    id_type = forms.ChoiceField(label="证件类型", choices=())
    id_number = forms.CharField(label="证件号码", max_length=20)
    phone = forms.CharField(label="手机号码", max_length=20)
    sms_code = forms.CharField(label="短信验证码", max_length=6)
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP_TEXT,
    )
    password_confirm = forms.CharField(
        label="确认密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    agree = forms.BooleanField(label="我已阅读并同意《用户协议》和《隐私政策》")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_type"].choices = _id_type_choices()  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["agree"].error_messages["required"] = "请阅读并同意《用户协议》和《隐私政策》。"

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", "两次输入的密码不一致。")
        return data


class PasswordResetForm(StyledForm):
    phone = forms.CharField(label="手机号码", max_length=20)
    sms_code = forms.CharField(label="短信验证码", max_length=6)
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP_TEXT,
    )
    new_password_confirm = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", "两次输入的新密码不一致。")
        return data


class ProfileForm(StyledForm):
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "电子邮箱格式不正确。"})


class BasicInformationForm(ProfileForm):
    """个人信息 of a person: the e-mail and the 基础信息 the manual's 个人端 asks for."""

    ethnicity = forms.ChoiceField(label="民族", required=False)
    political_status = forms.ChoiceField(label="政治面貌", required=False)
    administrative_post = forms.CharField(label="行政职务", max_length=50, required=False, help_text="无则不填")
    current_post = forms.CharField(label="现聘岗位", max_length=50, required=False, help_text="如：专业技术十级")
    work_started_on = forms.DateField(
        label="参加工作时间",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "参加工作时间格式不正确，请按“年-月-日”填写。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("ethnicity", "political_status"):
            entries = active_entries(name).order_by("sort_order", "code").values_list("code", "name")
            self.fields[name].choices = [("", "请选择"), *entries]  # type: ignore[attr-defined]  # ChoiceField


class ChangePhoneForm(StyledForm):
    password = forms.CharField(label="登录密码（验证身份）", strip=False, widget=forms.PasswordInput)
    phone = forms.CharField(label="新手机号码", max_length=20)
    sms_code = forms.CharField(label="短信验证码", max_length=6)


class IdentityForm(StyledForm):
    """完善身份信息: the holder of a 个人申报账号 names themselves at first sign-in."""

    real_name = forms.CharField(label="真实姓名", max_length=50)
    id_type = forms.ChoiceField(label="证件类型", choices=())
    id_number = forms.CharField(label="证件号码", max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_type"].choices = _id_type_choices()  # type: ignore[attr-defined]  # a ChoiceField
