from typing import Any

from django import forms

from title_review.accounts.models import SubAccountPermission
from title_review.accounts.passwords import PASSWORD_HELP_TEXT
from title_review.core.forms import StyledForm
from title_review.dictionaries.selectors import active_entries, region_choices

from .forms import RegionChoiceField
from .models import REGISTRATION_PARENT_KINDS, Organisation


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.kind_label}）"


def registration_parents() -> Any:
    return Organisation.objects.filter(kind__in=REGISTRATION_PARENT_KINDS, is_active=True).order_by("path")


class EmployerRegistrationForm(StyledForm):
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=20,
        help_text="18 位；没有的填写 9 位原组织机构代码（如 12345678-8）。已在系统中的代码会自动带出单位名称。",
    )
    credit_code_confirmed = forms.BooleanField(label="信用代码已核对无误（校验位不符时勾选）", required=False)
    name = forms.CharField(label="单位名称", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    nature = EntryChoiceField(label="单位性质", queryset=None, empty_label="请选择")
    industry = EntryChoiceField(label="单位行业", queryset=None, empty_label="请选择")
    region = RegionChoiceField(label="单位所在地", queryset=None, empty_label="请选择")
    address = forms.CharField(label="单位地址", max_length=200)
    parent = ParentChoiceField(
        label="归口部门",
        queryset=None,
        empty_label="请选择",
        help_text="非公企业选择注册地职改办或人才服务局。",
    )
    licence = forms.FileField(label="营业执照（证书）扫描件", help_text="彩色扫描件，PDF、JPG 或 PNG，不超过 5 MB。")
    seal = forms.FileField(label="单位签章", required=False, help_text="公章扫描件，JPG 或 PNG；系统生成电子签章图片。")
    username = forms.CharField(label="登录名", max_length=30, help_text="字母和数字，4 到 30 位。")
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP_TEXT,
    )
    password_confirm = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "电子邮箱格式不正确。"})
    contact_person = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nature"].queryset = active_entries("employer_nature").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["industry"].queryset = active_entries("industry").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["region"].queryset = region_choices()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["parent"].queryset = registration_parents()  # type: ignore[attr-defined]  # ModelChoiceField

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", "两次输入的密码不一致。")
        return data


class MoveForm(StyledForm):
    parent = ParentChoiceField(label="新的归口部门", queryset=None, empty_label="请选择")
    reason = forms.CharField(label="变更原因", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = registration_parents()  # type: ignore[attr-defined]  # ModelChoiceField


class StaffSearchForm(StyledForm):
    id_number = forms.CharField(label="工作人员身份证号码", max_length=20)


PERMISSION_CHOICES = SubAccountPermission.choices


class SubAccountForm(StyledForm):
    username = forms.CharField(label="登录名", max_length=30, help_text="字母和数字，4 到 30 位；创建后不能修改。")
    real_name = forms.CharField(label="使用人姓名", max_length=50, required=False)
    permissions = forms.MultipleChoiceField(
        label="权限",
        choices=PERMISSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项权限。"},
    )


class SubAccountEditForm(StyledForm):
    real_name = forms.CharField(label="使用人姓名", max_length=50, required=False)
    permissions = forms.MultipleChoiceField(
        label="权限",
        choices=PERMISSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项权限。"},
    )


class BatchSubAccountForm(StyledForm):
    count = forms.IntegerField(
        label="新增个数",
        min_value=1,
        max_value=50,
        error_messages={"min_value": "至少新增 1 个。", "max_value": "一次最多新增 50 个。"},
    )
    permissions = forms.MultipleChoiceField(
        label="权限",
        choices=PERMISSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项权限。"},
    )


class RecoveryStartForm(StyledForm):
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=20, help_text="没有统一社会信用代码的单位，填写原组织机构代码。"
    )


class RecoveryForm(StyledForm):
    employer = forms.TypedChoiceField(label="单位（归口部门）", coerce=int, choices=())
    staff = forms.TypedChoiceField(label="工作人员", coerce=int, choices=())
    id_number = forms.CharField(label="该工作人员的身份证号码", max_length=20)
    sms_code = forms.CharField(label="短信验证码", max_length=6, required=False)
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput,
        required=False,
        help_text=PASSWORD_HELP_TEXT,
    )
