from typing import Any

from django import forms

from title_review.core.forms import StyledForm
from title_review.dictionaries.selectors import region_choices

from .models import ALLOWED_CHILDREN, Organisation, OrganisationKind


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class ChildOrganisationForm(StyledForm):
    name = forms.CharField(label="机构名称", max_length=200)
    kind = forms.ChoiceField(label="机构类型")
    region = RegionChoiceField(label="所在地（行政区划）", queryset=None, empty_label="请选择")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    admin_username = forms.CharField(
        label="管理员登录名", max_length=30, help_text="字母和数字，4 到 30 位；系统生成一次性密码，首次登录须修改。"
    )
    admin_real_name = forms.CharField(label="管理员姓名", max_length=50, required=False)
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(self, *args: Any, parent: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (k, OrganisationKind(k).label) for k in ALLOWED_CHILDREN[OrganisationKind(parent.kind)]
        ]
        self.fields["region"].queryset = region_choices()  # type: ignore[attr-defined]  # a ModelChoiceField
        if not self.is_bound:
            self.initial["region"] = parent.region_id


class TreeSearchForm(StyledForm):
    q = forms.CharField(label="名称或代码", required=False)
    kind = forms.ChoiceField(label="机构类型", required=False, choices=[("", "全部"), *OrganisationKind.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("active", "启用"), ("inactive", "停用")]
    )
