"""中小学教师 dossier rules read from the 业绩档案 (教师评审系统 manual: 录入公开课, 论文, 其他信息).

- 公开课: one 业绩成果 row per lesson (category 公开课) with its date, level and topic, and its 证明材料.
- 论文: 符合 only with the 知网 节点文献 screenshot and URL; 知网收录 alone only shows it was published.
- 教育理论: the mark (0-100) against the pass mark of the year it was taken: 60 in 2010, 70 from 2011.
  The manual names no mark for years before 2010; those are held to 2010's 60.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from title_review.core.errors import DomainError
from title_review.core.params import to_int

from .models import AchievementCategory
from .selectors import paper_verified, proofs_of

THEORY_SCORE_RANGE = "教育理论成绩请填写 0 到 100 之间的数字。"
THEORY_YEAR_RANGE = "教育理论考试年度请填写 4 位年份（1990 年至今）。"


def theory_pass_mark(year: int) -> int:
    """教育理论 pass mark of the year the test was taken: 60 up to 2010, 70 from 2011."""
    return 60 if year <= 2010 else 70


def clean_theory_score(value: Any) -> Decimal | None:
    """The mark as a number, or a DomainError in Chinese (outside 0-100, not a number)."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        mark = Decimal(text)
    except InvalidOperation as exc:
        raise DomainError(THEORY_SCORE_RANGE, field="theory_score") from exc
    if not mark.is_finite() or not 0 <= mark <= 100:
        raise DomainError(THEORY_SCORE_RANGE, field="theory_score")
    return mark


def clean_theory_year(value: Any, today: dt.date | None = None) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    this_year = (today or dt.date.today()).year  # noqa: DTZ011 — a calendar year
    year = to_int(text, maximum=this_year)
    if year is None or year < 1990:
        raise DomainError(THEORY_YEAR_RANGE, field="theory_year")
    return year


def theory_verdict(score: Any, year: Any) -> str:
    """'' when both are given and the mark passes, else what is wrong (for the dossier and completeness)."""
    if score in (None, "") or year in (None, ""):
        return ""
    mark, pass_mark = Decimal(str(score)), theory_pass_mark(int(year))
    if mark < pass_mark:
        return f"教育理论成绩 {float(mark):g} 分低于 {int(year)} 年的合格线 {pass_mark} 分"
    return ""


def open_lessons(rows: list[Any]) -> list[Any]:
    return sorted((r for r in rows if r.category == AchievementCategory.OPEN_LESSON), key=lambda r: (r.date, r.pk))


def open_lesson_summary(rows: list[Any]) -> str:
    """The picked 公开课 as one line per lesson, for the forms that print 公开课 as text."""
    return "；".join(f"{r.date:%Y-%m-%d} {r.get_lesson_level_display()} {r.title}" for r in open_lessons(rows))


def dossier_gaps(picked: list[Any], proofs: dict[int, Any]) -> list[str]:
    """What the picked 业绩成果 rows still lack for a 中小学教师 dossier."""
    gaps: list[str] = []
    lessons = open_lessons(picked)
    if not lessons:
        gaps.append("公开课（请在业绩档案中按节录入公开课并在业绩成果中选取）")
    gaps += [f"公开课“{r.title}”的证明材料" for r in lessons if r.pk not in proofs]
    gaps += [
        f"论文“{r.title}”的知网截图和网址（仅“知网收录”不能证明符合评审要求）"
        for r in picked
        if r.category == AchievementCategory.PAPER and not paper_verified(r, proofs)
    ]
    return gaps


def teacher_rows(loaded: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """The applicant's 公开课 and 论文 rows with their proofs, for the dossier's 中小学教师 section (one query)."""
    rows = loaded.get("achievement", [])
    proofs = proofs_of(rows)
    return {
        "lessons": [{"row": r, "proof": proofs.get(r.pk)} for r in open_lessons(rows)],
        "papers": [
            {"row": r, "proof": proofs.get(r.pk), "verified": paper_verified(r, proofs)}
            for r in rows
            if r.category == AchievementCategory.PAPER
        ],
    }
