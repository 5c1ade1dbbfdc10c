from typing import Any

from django import forms

from title_review.core.forms import DateInput, StyledForm
from title_review.dictionaries.models import Entry


def _names(type_code: str, codes: list[str]) -> list[tuple[str, str]]:
    names = dict(Entry.objects.filter(type__code=type_code, code__in=codes).values_list("code", "name"))
    return [("", "请选择")] + [(c, names.get(c, c)) for c in codes]


class BasicInfoForm(StyledForm):
    route = forms.ChoiceField(label="申报方式", required=False)
    target_qualification = forms.ChoiceField(label="申报资格", required=False)
    specialty = forms.ChoiceField(label="申报专业", required=False)
    current_qualification = forms.ChoiceField(label="现有资格", required=False)
    recommenders = forms.CharField(
        label="破格推荐专家（正高级，姓名以逗号分隔）",
        required=False,
        max_length=200,
        help_text="破格申报须有 2 名同专业或相近专业的正高级专家推荐。",
    )
    current_qualification_date = forms.DateField(label="取得现有资格时间", required=False, widget=DateInput())

    def clean_recommenders(self) -> list[str]:
        raw = self.cleaned_data.get("recommenders") or ""
        return [name.strip() for name in raw.replace("，", ",").replace("、", ",").split(",") if name.strip()]

    def __init__(self, *args: Any, round_: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = _names("declaration_route", round_.routes)  # type: ignore[attr-defined]  # ChoiceField
        self.fields["target_qualification"].choices = _names("qualification", round_.qualifications)  # type: ignore[attr-defined]  # ChoiceField
        specialties = round_.specialties or list(
            Entry.objects.filter(type__code="specialty", parent=round_.series, is_active=True)
            .order_by("sort_order")
            .values_list("code", flat=True)
        )
        self.fields["specialty"].choices = _names("specialty", specialties)  # type: ignore[attr-defined]  # ChoiceField
        held = list(
            Entry.objects.filter(type__code="qualification", parent=round_.series, is_active=True)
            .order_by("sort_order")
            .values_list("code", flat=True)
        )
        self.fields["current_qualification"].choices = _names("qualification", held)  # type: ignore[attr-defined]  # ChoiceField


class TeacherSectionForm(StyledForm):
    open_lesson = forms.CharField(label="公开课（课题、级别、时间）", max_length=300, required=False)
    review_type = forms.ChoiceField(
        label="拟评审类型",
        required=False,
        choices=[("", "请选择"), ("正常晋升", "正常晋升"), ("破格", "破格"), ("转评", "转评")],
    )
    student_satisfaction = forms.CharField(label="学生满意度（0–100，不带 %）", max_length=10, required=False)
    theory_score = forms.CharField(label="教育理论成绩", max_length=10, required=False)
