from typing import Any

from django import forms

from title_review.access.roles import Role
from title_review.accounts.models import FilingPermission
from title_review.core.forms import StyledForm

from .filing import MAX_FILING_BATCH

ID_TYPES = [("01", "居民身份证"), ("02", "港澳居民来往内地通行证"), ("03", "台湾居民来往大陆通行证"), ("04", "护照")]


def _role_field(roles: Any) -> forms.MultipleChoiceField:
    order = list(Role.values)
    choices = [(r, Role(r).label) for r in sorted(roles, key=order.index)]
    return forms.MultipleChoiceField(
        label="角色",
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一个角色。", "invalid_choice": "不能授予该角色。"},
    )


class PersonForm(StyledForm):
    """本级人员授权：添加."""

    username = forms.CharField(label="登录名", max_length=30, help_text="字母和数字，4 到 30 位；创建后不能修改。")
    real_name = forms.CharField(label="姓名", max_length=50, help_text="实名。")
    phone = forms.CharField(label="手机号码", max_length=20, required=False)

    def __init__(self, *args: Any, roles: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field(roles)


class RolesForm(StyledForm):
    real_name = forms.CharField(label="姓名", max_length=50)

    def __init__(self, *args: Any, roles: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field(roles)


class ChildAdminForm(StyledForm):
    """重建 the administrator of a direct child organisation."""

    username = forms.CharField(label="新管理员登录名", max_length=30, help_text="字母和数字，4 到 30 位。")
    real_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)


FILING_CHOICES = FilingPermission.choices


class FilingAccountForm(StyledForm):
    """工作账号管理：单个添加个人申报账号."""

    username = forms.CharField(
        label="用户名", max_length=30, help_text="英文或数字，不可用中文；建议为单位用户名加使用人姓名拼音。"
    )
    permissions = forms.MultipleChoiceField(
        label="操作权限",
        choices=FILING_CHOICES,
        initial=list(FilingPermission.values),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项操作权限。"},
        help_text="后两项建议勾选，便于申报人修改自己的基本信息和密码。",
    )
    real_name = forms.CharField(
        label="申报人姓名", max_length=50, required=False, help_text="可留空，由申报人首次登录时填写。"
    )
    id_type = forms.ChoiceField(label="证件类型", choices=ID_TYPES, initial="01", required=False)
    id_number = forms.CharField(label="证件号码", max_length=20, required=False)


class FilingEditForm(StyledForm):
    permissions = forms.MultipleChoiceField(
        label="操作权限",
        choices=FILING_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项操作权限。"},
    )
    real_name = forms.CharField(label="申报人姓名", max_length=50, required=False)
    id_type = forms.ChoiceField(label="证件类型", choices=ID_TYPES, initial="01", required=False)
    id_number = forms.CharField(label="证件号码", max_length=20, required=False)


class FilingBatchForm(StyledForm):
    count = forms.IntegerField(
        label="新增数量",
        min_value=1,
        max_value=MAX_FILING_BATCH,
        error_messages={
            "required": "请填写新增数量。",
            "invalid": "新增数量须为整数。",
            "min_value": f"新增数量须在 1 到 {MAX_FILING_BATCH} 之间。",
            "max_value": f"新增数量须在 1 到 {MAX_FILING_BATCH} 之间。",
        },
        help_text="用户名由系统生成：单位用户名加数字。",
    )
    permissions = forms.MultipleChoiceField(
        label="操作权限",
        choices=FILING_CHOICES,
        initial=list(FilingPermission.values),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一项操作权限。"},
    )


class JoinUnitForm(StyledForm):
    """申请加入单位: find the unit by its credit code, then choose it (one per 归口部门)."""

    credit_code = forms.CharField(label="单位名称或统一社会信用代码", max_length=100)
    employer = forms.TypedChoiceField(label="单位（归口部门）", choices=(), coerce=int, required=False)

    def __init__(self, *args: Any, employers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (e.pk, f"{e.name}（{e.parent.name if e.parent else '—'}）") for e in employers
        ]
