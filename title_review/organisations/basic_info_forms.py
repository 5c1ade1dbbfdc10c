"""Forms of 单位信息: 基本信息 and 单位更名. The rules live in the services (basic_info)."""

from typing import Any

from django import forms

from title_review.core.forms import StyledForm
from title_review.dictionaries.selectors import active_entries, region_choices

from .employer_forms import EntryChoiceField
from .forms import RegionChoiceField


class BasicInfoForm(StyledForm):
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    nature = EntryChoiceField(label="单位性质", queryset=None, empty_label="请选择", to_field_name="code")
    industry = EntryChoiceField(label="单位行业", queryset=None, empty_label="请选择", to_field_name="code")
    region = RegionChoiceField(label="单位所在地", queryset=None, empty_label="请选择", to_field_name="code")
    address = forms.CharField(label="单位地址", max_length=200)
    contact_person = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "电子邮箱格式不正确。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nature"].queryset = active_entries("employer_nature").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["industry"].queryset = active_entries("industry").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["region"].queryset = region_choices()  # type: ignore[attr-defined]  # ModelChoiceField

    def info_values(self) -> dict[str, Any]:
        """The cleaned data as basic_info.BasicInfo takes it (code-table entries by code)."""
        data = dict(self.cleaned_data)
        for name in ("nature", "industry", "region"):
            data[name] = data[name].code
        return data


class RenameForm(StyledForm):
    new_name = forms.CharField(
        label="新的单位名称", max_length=200, help_text="与最新营业执照（法人证书）上的名称一致。", strip=False
    )
    reason = forms.CharField(label="更名原因", max_length=200, required=False)
