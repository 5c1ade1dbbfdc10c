from typing import Any

from django import forms

from title_review.core.forms import DateInput, StyledForm
from title_review.dictionaries import cached

# The code tables the basic-information choices name.
KINDS = ("declaration_route", "qualification", "specialty")


def _choices(codes: list[str], entries: dict[str, cached.CodeEntry]) -> list[tuple[str, str]]:
    return [("", "请选择")] + [(c, entries[c].name if c in entries else c) for c in codes]


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
        # The code tables as this worker last read them (the dossier is opened and saved many times over at a
        # deadline): no query for the four lists while the tables are unchanged (ADR 0049).
        tables = cached.tables(*KINDS)
        names = {kind: tables[kind].by_code for kind in KINDS}

        def of_series(kind: str) -> list[str]:
            return tables[kind].children(round_.series_id)

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
