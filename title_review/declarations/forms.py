from typing import Any

from django import forms
from django.db.models import Q

from title_review.core.forms import DateInput, StyledForm
from title_review.dictionaries.models import Entry


def _choices(codes: list[str], names: dict[str, str]) -> list[tuple[str, str]]:
    return [("", "请选择")] + [(c, names.get(c, c)) for c in codes]


def _round_entries(round_: Any) -> dict[str, list[dict[str, Any]]]:
    """Every dictionary entry the basic-information choices of `round_` need, in one query, by type code:
    its routes and qualifications by code, and the qualifications and specialties of its series."""
    series_id = round_.series_id
    wanted = (
        Q(type__code="declaration_route", code__in=round_.routes)
        | Q(type__code="qualification", code__in=round_.qualifications)
        | Q(type__code="qualification", parent_id=series_id)
        | Q(type__code="specialty", code__in=round_.specialties or [])
        | Q(type__code="specialty", parent_id=series_id)
    )
    by_type: dict[str, list[dict[str, Any]]] = {"declaration_route": [], "qualification": [], "specialty": []}
    rows = Entry.objects.filter(wanted).values("type__code", "code", "name", "parent_id", "is_active", "sort_order")
    for row in rows.order_by("sort_order", "code"):
        by_type[row["type__code"]].append(dict(row))
    return by_type


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
        # One query for all four lists (the dossier is opened and saved many times over at a deadline).
        entries = _round_entries(round_)
        names = {kind: {e["code"]: e["name"] for e in rows} for kind, rows in entries.items()}

        def of_series(kind: str) -> list[str]:
            return [e["code"] for e in entries[kind] if e["parent_id"] == round_.series_id and e["is_active"]]

        self.fields["route"].choices = _choices(round_.routes, names["declaration_route"])  # type: ignore[attr-defined]  # ChoiceField
        self.fields["target_qualification"].choices = _choices(round_.qualifications, names["qualification"])  # type: ignore[attr-defined]  # ChoiceField
        specialties = round_.specialties or of_series("specialty")
        self.fields["specialty"].choices = _choices(specialties, names["specialty"])  # type: ignore[attr-defined]  # ChoiceField
        self.fields["current_qualification"].choices = _choices(of_series("qualification"), names["qualification"])  # type: ignore[attr-defined]  # ChoiceField


class TeacherSectionForm(StyledForm):
    review_type = forms.ChoiceField(
        label="拟评审类型",
        required=False,
        choices=[("", "请选择"), ("正常晋升", "正常晋升"), ("破格", "破格"), ("转评", "转评")],
    )
    student_satisfaction = forms.CharField(label="学生满意度（0–100，不带 %）", max_length=10, required=False)
    theory_score = forms.CharField(
        label="教育理论成绩（0–100）",
        max_length=10,
        required=False,
        help_text="2010 年 60 分合格，2011 年起 70 分合格。",
    )
    theory_year = forms.CharField(label="教育理论考试年度", max_length=4, required=False)
