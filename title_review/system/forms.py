import datetime
from typing import Any

from django import forms

from title_review.core.forms import StyledForm

# Dates the calendar pages accept; far enough either way, and no arithmetic near date.max.
FIRST_YEAR = 2000
LAST_YEAR = 2100

KIND_CHOICES = [("rest", "休息日"), ("work", "工作日")]


def _check_year(value: datetime.date) -> datetime.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(f"日期须在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。")
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class WorkingDayOverrideForm(StyledForm):
    date = forms.DateField(label="日期", widget=DateInput())
    kind = forms.ChoiceField(label="类型", choices=KIND_CHOICES)
    note = forms.CharField(label="说明", max_length=100, required=False, help_text="例如：台风停工、补班")

    def clean_date(self) -> datetime.date:
        return _check_year(self.cleaned_data["date"])


class CalendarQueryForm(StyledForm):
    start = forms.DateField(label="开始日期", widget=DateInput())
    count = forms.IntegerField(label="工作日天数", min_value=1, max_value=366)

    def clean_start(self) -> datetime.date:
        return _check_year(self.cleaned_data["start"])
