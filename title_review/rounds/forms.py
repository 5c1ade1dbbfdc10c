from typing import Any

from django import forms

from title_review.core.forms import DateInput, DateTimeLocalInput, StyledForm
from title_review.dictionaries.selectors import active_entries

from .models import PrecheckMode, RoundKind


def _entry_choices(type_code: str, **filters: Any) -> list[tuple[str, str]]:
    return [(e.code, e.name) for e in active_entries(type_code).filter(**filters).order_by("sort_order", "code")]


class EntryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SearchForm(StyledForm):
    keyword = forms.CharField(label="关键字", required=False)
    publisher = forms.CharField(label="发布单位", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


class CommitteeForm(StyledForm):
    name = forms.CharField(label="评委会名称", max_length=200)
    host: forms.ModelChoiceField = forms.ModelChoiceField(label="组建单位", queryset=None, empty_label=None)
    series = EntryField(label="系列", queryset=None, empty_label="请选择")
    levels = forms.MultipleChoiceField(label="可评审级别", choices=(), widget=forms.CheckboxSelectMultiple)
    filing_number = forms.CharField(
        label="备案号", max_length=60, required=False, help_text="省级职改办组建的评委会必填，如：浙职改备〔2026〕3号"
    )
    filed_on = forms.DateField(label="备案日期", required=False, widget=DateInput(), help_text="不填则为今天")
    valid_until = forms.DateField(
        label="备案有效期至", required=False, widget=DateInput(), help_text="自备案日期起不超过 3 年"
    )

    def __init__(self, *args: Any, hosts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["series"].queryset = active_entries("series").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["levels"].choices = _entry_choices("level")  # type: ignore[attr-defined]  # ChoiceField


class FilingForm(StyledForm):
    """登记备案 / 备案延续 (the province)."""

    filing_number = forms.CharField(label="备案号", max_length=60, required=False)
    filed_on = forms.DateField(label="备案日期", required=False, widget=DateInput(), help_text="不填则为今天")
    valid_until = forms.DateField(
        label="备案有效期至", required=False, widget=DateInput(), help_text="自备案日期起不超过 3 年"
    )


class PanelForm(StyledForm):
    name = forms.CharField(label="学科组名称", max_length=100)


class NewRoundForm(StyledForm):
    title = forms.CharField(label="活动名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", choices=RoundKind.choices)
    publisher: forms.ModelChoiceField = forms.ModelChoiceField(label="发布单位", queryset=None, empty_label=None)
    committee: forms.ModelChoiceField = forms.ModelChoiceField(
        label="评委会", queryset=None, required=False, empty_label="（初定、认定可不选）"
    )
    series = EntryField(label="系列", queryset=None, empty_label="请选择")
    opens_at = forms.DateTimeField(label="申报开始时间", widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label="申报截止时间", widget=DateTimeLocalInput())

    def __init__(self, *args: Any, publishers: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = publishers  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["series"].queryset = active_entries("series").order_by("sort_order")  # type: ignore[attr-defined]  # ModelChoiceField


class RoundDetailsForm(StyledForm):
    closes_at = forms.DateTimeField(label="申报截止时间", widget=DateTimeLocalInput())
    levels = forms.MultipleChoiceField(label="申报级别", choices=(), widget=forms.CheckboxSelectMultiple)
    specialties = forms.MultipleChoiceField(
        label="受理专业", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    routes = forms.MultipleChoiceField(label="允许的申报方式", choices=(), widget=forms.CheckboxSelectMultiple)
    scope: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="受理范围", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    series_section = forms.ChoiceField(
        label="系列专项栏目",
        required=False,
        choices=[
            ("", "无"),
            ("teacher", "中小学教师（公开课、拟评审类型、学生满意度、教育理论成绩、近 4 年年度考核）"),
        ],
    )
    precheck_mode = forms.ChoiceField(label="资格预审", choices=PrecheckMode.choices)
    required_sections = forms.MultipleChoiceField(
        label="必填栏目（不选则为学历学位、工作经历、年度考核）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("education", "学历学位"),
            ("work", "工作经历"),
            ("training", "继续教育"),
            ("appraisal", "年度考核"),
            ("achievement", "业绩成果"),
        ],
    )
    attachment_types = forms.MultipleChoiceField(
        label="必传附件（不选则为证件照、身份证照片、评审表）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("photo", "证件照"),
            ("id_card", "身份证照片"),
            ("review_form", "评审表"),
            ("certificate", "证书"),
            ("paper", "论文"),
            ("other", "其他"),
        ],
    )
    pass_through = forms.MultipleChoiceField(
        label="直接转报的审核层级（这些机构不审核，材料直接送往上一级）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    notice = forms.CharField(label="相关要求（通知正文）", widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args: Any, series: Any, scope_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["levels"].choices = _entry_choices("level")  # type: ignore[attr-defined]  # ChoiceField
        self.fields["specialties"].choices = _entry_choices("specialty", parent=series)  # type: ignore[attr-defined]  # ChoiceField
        self.fields["routes"].choices = _entry_choices("declaration_route")  # type: ignore[attr-defined]  # ChoiceField
        self.fields["scope"].queryset = scope_choices  # type: ignore[attr-defined]  # ModelChoiceField
        reviewing = list(scope_choices) if scope_choices is not None else []
        pass_through: Any = self.fields["pass_through"]
        pass_through.choices = [(str(o.pk), o.name) for o in reviewing if reviewing and o.depth > reviewing[0].depth]
