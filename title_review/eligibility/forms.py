from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from title_review.core.forms import DateInput, StyledForm
from title_review.dictionaries.selectors import active_entries

from .models import IntegrityKind


class IntegritySearchForm(StyledForm):
    keyword = forms.CharField(label="姓名或证件号码", required=False, max_length=50)


class IntegrityRecordForm(StyledForm):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(label="记录机构", queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label="记录类别",
        choices=IntegrityKind.choices,
        initial=IntegrityKind.BAN,
        required=False,
        help_text="诚信记录在任何预审模式下都不能提交申报；处分期内的申报在资格预审中列为不符合。",
    )
    id_type = forms.ChoiceField(label="证件类型", choices=())
    id_number = forms.CharField(label="证件号码", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    reason = forms.CharField(
        label="记录事由",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：2026年度职称申报中论文弄虚作假。",
    )
    basis = forms.CharField(label="文件依据", required=False, max_length=200, help_text="例如：杭人社发〔2026〕12号")
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ban_until = forms.DateField(
        label="禁止申报截止日期",
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, organisations: QuerySet, ban_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["id_type"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (e.code, e.name) for e in active_entries("id_type").order_by("sort_order", "code")
        ]
        self.fields["ban_until"].help_text = f"不填则为开始日期起满 {ban_years} 年的当日。"
        self.fields["starts_on"].initial = timezone.localdate()


class LiftForm(StyledForm):
    reason = forms.CharField(
        label="解除原因", widget=forms.Textarea(attrs={"rows": 3}), help_text="例如：复核后撤销原处理决定。"
    )
