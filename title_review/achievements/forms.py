from typing import Any

from django import forms

from title_review.core.forms import DateInput, mark_invalid
from title_review.dictionaries.selectors import active_entries

from .models import Achievement, Appraisal, Education, Training, WorkHistory

_DATE = DateInput()


# The 学位 code table's own 无 (national seed; eligibility.facts reads it the same way).
NO_DEGREE = "0"


def _choices(type_code: str, blank: str | None) -> list[tuple[str, str]]:
    entries = [(e.code, e.name) for e in active_entries(type_code).order_by("sort_order", "code")]
    return entries if blank is None else [("", blank), *entries]


class _Styled(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == "该字段是必填项。":
                field.error_messages["required"] = f"请填写{field.label}。"
            if isinstance(field.widget, forms.CheckboxInput):
                continue
            if isinstance(field, forms.ChoiceField):
                field.choices = [(v, "请选择" if v == "" else label) for v, label in field.choices]  # type: ignore[misc,union-attr]  # model choices are plain pairs
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        mark_invalid(self)


class EducationForm(_Styled):
    class Meta:
        model = Education
        fields = ["school", "major", "education", "degree", "full_time", "enrolled_on", "graduated_on"]
        widgets = {"enrolled_on": _DATE, "graduated_on": _DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education"].widget = forms.Select(choices=_choices("education", "请选择"))
        # The code table has its own 无: a blank choice labelled 无 beside it listed 无 twice.
        degrees = _choices("degree", None)
        if any(code == NO_DEGREE for code, _name in degrees):
            if not self.initial.get("degree"):
                self.initial["degree"] = NO_DEGREE  # a new row, or an old one saved with no degree
        else:
            degrees = [("", "无"), *degrees]
        self.fields["degree"].widget = forms.Select(choices=degrees)
        for name in ("education", "degree"):
            self.fields[name].widget.attrs["class"] = "form-select"


class WorkHistoryForm(_Styled):
    class Meta:
        model = WorkHistory
        fields = ["employer_name", "position", "started_on", "ended_on", "referee"]
        widgets = {"started_on": _DATE, "ended_on": _DATE}


class TrainingForm(_Styled):
    class Meta:
        model = Training
        fields = ["year", "kind", "title", "organiser", "hours"]


class AppraisalForm(_Styled):
    class Meta:
        model = Appraisal
        fields = ["year", "result"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].widget = forms.Select(
            choices=_choices("appraisal_result", "请选择"), attrs={"class": "form-select"}
        )


class AchievementForm(_Styled):
    link = forms.URLField(
        label="知网等链接",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "链接格式不正确，请以 http:// 或 https:// 开头。"},
    )

    class Meta:
        model = Achievement
        fields = [
            "category",
            "title",
            "date",
            "venue",
            "indexing",
            "author_rank",
            "identifier",
            "lesson_level",
            "link",
            "role",
            "is_representative",
        ]
        widgets = {"date": _DATE}
        labels = {"title": "名称（题目）/ 公开课课题"}
        help_texts = {
            "lesson_level": "仅公开课填写；每节公开课一行，并上传其证明材料。",
            "link": "论文请填写知网节点文献的网址，并上传其截图。",
        }


FORMS: dict[str, type[forms.ModelForm]] = {
    "education": EducationForm,
    "work": WorkHistoryForm,
    "training": TrainingForm,
    "appraisal": AppraisalForm,
    "achievement": AchievementForm,
}
SECTION_LABELS = {
    "education": "学历学位",
    "work": "工作经历",
    "training": "继续教育",
    "appraisal": "年度考核",
    "achievement": "业绩成果",
}
