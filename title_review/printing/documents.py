"""The forms (what each one is called and which template draws it) and the data they print.

Every dossier value comes from the declaration's snapshot — what the reviewers received — never
from the live draft. The person's identity facts (证件号码, 性别, 出生年月, 手机) come from the
verified account, masked unless the viewer may see them in full (services decide, ADR 0013).
"""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from title_review.achievements.models import AchievementCategory, TrainingKind
from title_review.attachments.models import Attachment
from title_review.attachments.types import ATTACHMENT_TYPES
from title_review.core.identity import mask_identity, mask_phone
from title_review.dictionaries.models import Entry
from title_review.organisations.models import EmployerProfile


@dataclass(frozen=True)
class Form:
    key: str
    title: str  # printed heading
    short: str  # in file names, links and the blanks page
    template: str
    landscape: bool = False
    description: str = ""


FORMS: dict[str, Form] = {
    form.key: form
    for form in (
        Form(
            "review",
            "专业技术职务任职资格评审表",
            "评审表",
            "printing/review_form.html",
            description="完整申报材料：基本情况、学历、工作经历、继续教育、年度考核、业绩成果、附件、单位意见",
        ),
        Form(
            "brief",
            "专业技术职务任职资格评审简表",
            "评审简表",
            "printing/brief_form.html",
            description="一页纸摘要，供评委会评议时对照",
        ),
        Form(
            "check",
            "专业技术职务任职资格申报资格审查表",
            "资格审查表",
            "printing/check_form.html",
            description="职改办资格审查逐项结果、问题说明与审查结论",
        ),
        Form(
            "initial",
            "专业技术职务任职资格初定表",
            "初定表",
            "printing/initial_form.html",
            description="初定评审活动：学历、见习期考核、单位与主管部门意见、职改部门审批",
        ),
        Form(
            "recognition",
            "专业技术职务任职资格认定表",
            "认定表",
            "printing/recognition_form.html",
            description="认定评审活动：原资格、认定依据、单位与主管部门意见、职改部门审批",
        ),
        Form(
            "publicity",
            "专业技术职务任职资格申报人员公示表",
            "公示表",
            "printing/publicity_form.html",
            description="单位内部公示的申报人员名单、公示时间与受理异议方式",
        ),
        Form(
            "summary",
            "专业技术职务任职资格申报人员汇总表",
            "汇总表",
            "printing/summary_form.html",
            landscape=True,
            description="评审活动的申报人员一览（横向）",
        ),
    )
}
DECLARATION_FORMS = ("review", "brief", "check", "initial", "recognition")
# 打印有关空白表格: every staff role (the 空白表格 menu's rule); the forms hold no data.
BLANKS_ACTION = "dictionary.view"
# 初定表 / 认定表 only exist for rounds of that kind (rounds.models.RoundKind).
ROUND_KIND_OF_FORM = {"initial": "initial", "recognition": "recognition"}

SECTION_TITLES = {
    "education": "学历学位",
    "work": "工作经历",
    "training": "继续教育",
    "appraisal": "年度考核",
    "achievement": "业绩成果",
}
TEACHER_LABELS = (
    ("open_lesson", "公开课"),
    ("review_type", "拟评审类型"),
    ("student_satisfaction", "学生满意度"),
    ("theory_score", "教育理论成绩"),
)
# Empty rows a blank form offers per table.
BLANK_ROWS = 6


def month(value: Any) -> str:
    """'2004-09-01' → '2004.09' (the forms' way of writing a month)."""
    if not value:
        return ""
    text = str(value)
    return f"{text[:4]}.{text[5:7]}" if len(text) >= 7 else text


def day(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    text = str(value)[:10]
    return f"{text[:4]}年{int(text[5:7])}月{int(text[8:10])}日" if len(text) == 10 else text


@dataclass
class Identity:
    """证件号码 and 手机号码 as the viewer may see them."""

    id_type: str = ""
    id_number: str = ""
    phone: str = ""
    full: bool = False


def identity_of(person: Any, *, full: bool) -> Identity:
    number = person.id_number or ""
    phone = person.phone or ""
    return Identity(
        id_type=_names({("id_type", person.id_type)}).get(("id_type", person.id_type), ""),
        id_number=number if full else mask_identity(number) if number else "",
        phone=phone if full else mask_phone(phone) if phone else "",
        full=full,
    )


def _names(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Dictionary names for (type code, entry code) pairs, in one query."""
    pairs = {(t, c) for t, c in pairs if c}
    if not pairs:
        return {}
    rows = Entry.objects.filter(type__code__in={t for t, _c in pairs}, code__in={c for _t, c in pairs})
    return {(t, c): n for t, c, n in rows.values_list("type__code", "code", "name") if (t, c) in pairs}


@dataclass
class Dossier:
    """A snapshot made printable: codes turned into names, dates into the forms' format."""

    name: str = ""
    sex: str = ""
    birth: str = ""
    employer: str = ""
    round_title: str = ""
    series: str = ""
    route: str = ""
    target: str = ""
    specialty: str = ""
    current: str = ""
    current_date: str = ""
    education: list[dict[str, Any]] = field(default_factory=list)
    work: list[dict[str, Any]] = field(default_factory=list)
    training: list[dict[str, Any]] = field(default_factory=list)
    appraisal: list[dict[str, Any]] = field(default_factory=list)
    achievements: list[dict[str, Any]] = field(default_factory=list)
    teacher: list[tuple[str, str]] = field(default_factory=list)
    recommenders: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    pledge: str = ""
    digest: str = ""
    number: str = ""  # 申报编号

    @property
    def highest_education(self) -> dict[str, Any] | None:
        # Dictionary codes rank the levels: 11 博士研究生 < 14 硕士研究生 < 21 大学本科 < 31 大学专科 ...
        return min(self.education, key=lambda e: (e["code"] or "99", e["graduated"]), default=None)

    @property
    def first_work(self) -> str:
        starts = [w["started"] for w in self.work if w["started"]]
        return min(starts) if starts else ""

    @property
    def recent_work(self) -> list[dict[str, Any]]:
        return sorted(self.work, key=lambda w: w["started"], reverse=True)

    @property
    def training_hours(self) -> str:
        total = sum(float(t["hours"] or 0) for t in self.training)
        return f"{total:g}" if self.training else ""

    @property
    def teacher_rows(self) -> list[list[tuple[str, str]]]:
        """中小学教师专项, two label/value pairs a row."""
        pairs = list(self.teacher) + ([("", "")] if len(self.teacher) % 2 else [])
        return [pairs[i : i + 2] for i in range(0, len(pairs), 2)]

    @property
    def main_achievements(self) -> list[dict[str, Any]]:
        """代表作 first, then the most recent."""
        newest = sorted(self.achievements, key=lambda a: a["date"], reverse=True)
        return sorted(newest, key=lambda a: not a["representative"])


def dossier_of(declaration: Any) -> Dossier:
    """The printable dossier of a submitted declaration (its snapshot)."""
    snap = declaration.snapshot or {}
    records = snap.get("records") or {}
    person = declaration.applicant
    wanted = _wanted_codes(snap, records)
    names = _names(wanted)
    target = snap.get("target_qualification") or {}
    return Dossier(
        name=(snap.get("applicant") or {}).get("name", ""),
        sex=person.sex or "",
        birth=month(person.birth_date),
        employer=(snap.get("employer") or {}).get("name", ""),
        round_title=(snap.get("round") or {}).get("title", ""),
        series=declaration.round.series.name if declaration.round.series_id else "",
        route=names.get(("declaration_route", snap.get("route") or ""), snap.get("route") or ""),
        target=target.get("name") or target.get("code") or "",
        specialty=names.get(("specialty", snap.get("specialty") or ""), snap.get("specialty") or ""),
        current=names.get(("qualification", snap.get("current_qualification") or ""), ""),
        current_date=month(snap.get("current_qualification_date")),
        education=[_education(row, names) for row in records.get("education", [])],
        work=[_work(row) for row in records.get("work", [])],
        training=[_training(row) for row in records.get("training", [])],
        appraisal=sorted(
            (_appraisal(row, names) for row in records.get("appraisal", [])), key=lambda a: a["year"], reverse=True
        ),
        achievements=[_achievement(row) for row in records.get("achievement", [])],
        teacher=_teacher(snap.get("section_data") or {}),
        recommenders=[str(r) for r in snap.get("recommenders") or []],
        attachments=[_attachment(a) for a in snap.get("attachments") or []],
        pledge=_pledge(snap.get("pledge") or {}),
        digest=declaration.snapshot_hash,
        number=declaration.number,
    )


def _wanted_codes(snap: dict[str, Any], records: dict[str, Any]) -> set[tuple[str, str]]:
    wanted = {
        ("declaration_route", snap.get("route") or ""),
        ("specialty", snap.get("specialty") or ""),
        ("qualification", snap.get("current_qualification") or ""),
    }
    for row in records.get("education", []):
        wanted |= {("education", row.get("education") or ""), ("degree", row.get("degree") or "")}
    for row in records.get("appraisal", []):
        wanted.add(("appraisal_result", row.get("result") or ""))
    return wanted


def _education(row: dict[str, Any], names: dict[tuple[str, str], str]) -> dict[str, Any]:
    code = row.get("education") or ""
    return {
        "id": row.get("id"),
        "period": f"{month(row.get('enrolled_on'))}—{month(row.get('graduated_on'))}",
        "graduated": month(row.get("graduated_on")),
        "school": row.get("school", ""),
        "major": row.get("major", ""),
        "code": code,
        "education": names.get(("education", code), code),
        "degree": names.get(("degree", row.get("degree") or ""), ""),
        "full_time": "全日制" if row.get("full_time", True) else "非全日制",
    }


def _work(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row.get("id"),
        "period": f"{month(row.get('started_on'))}—{month(row.get('ended_on')) or '至今'}",
        "started": month(row.get("started_on")),
        "employer": row.get("employer_name", ""),
        "position": row.get("position", ""),
        "referee": row.get("referee", ""),
    }


def _training(row: dict[str, Any]) -> dict[str, Any]:
    kinds = dict(TrainingKind.choices)
    return {
        "id": row.get("id"),
        "year": row.get("year", ""),
        "kind": kinds.get(row.get("kind", ""), row.get("kind", "")),
        "title": row.get("title", ""),
        "organiser": row.get("organiser", ""),
        "hours": row.get("hours") or "",
    }


def _appraisal(row: dict[str, Any], names: dict[tuple[str, str], str]) -> dict[str, Any]:
    result = row.get("result") or ""
    return {"id": row.get("id"), "year": row.get("year", ""), "result": names.get(("appraisal_result", result), result)}


def _achievement(row: dict[str, Any]) -> dict[str, Any]:
    categories = dict(AchievementCategory.choices)
    return {
        "id": row.get("id"),
        "category": categories.get(row.get("category", ""), row.get("category", "")),
        "title": row.get("title", ""),
        "date": month(row.get("date")),
        "venue": row.get("venue", ""),
        "indexing": row.get("indexing", ""),
        "rank": row.get("author_rank") or "",
        "identifier": row.get("identifier", ""),
        "role": row.get("role", ""),
        "representative": bool(row.get("is_representative")),
    }


def _teacher(section: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, label in TEACHER_LABELS:
        if section.get(key) not in (None, ""):
            value = section[key]
            rows.append((label, f"{value:g}%" if key == "student_satisfaction" and isinstance(value, float) else value))
    return rows


def _attachment(item: dict[str, Any]) -> dict[str, Any]:
    labels = {code: t.label for code, t in ATTACHMENT_TYPES.items()}
    size = int(item.get("size") or 0)
    return {
        "id": item.get("id"),
        "kind": labels.get(item.get("kind", ""), item.get("kind", "")),
        "name": item.get("name", ""),
        "size": _size(size),
        "sha256": (item.get("sha256") or "")[:16],
    }


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _pledge(pledge: dict[str, Any]) -> str:
    if not pledge:
        return ""
    accepted = parse_datetime(str(pledge.get("accepted_at") or ""))
    when = f"{timezone.localtime(accepted):%Y-%m-%d %H:%M} " if accepted else ""
    return f"版本 {pledge.get('version', '')}，{when}确认"


def photo_of(declaration: Any) -> str | None:
    """The applicant's 证件照 from the snapshot, inlined; only if the stored file still matches its hash."""
    wanted = [a for a in (declaration.snapshot or {}).get("attachments") or [] if a.get("kind") == "photo"]
    if not wanted:
        return None
    attachment = Attachment.objects.filter(pk=wanted[0].get("id"), kind="photo").first()
    if attachment is None:
        return None
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    if hashlib.sha256(content).hexdigest() != wanted[0].get("sha256"):
        return None
    return data_uri(content, attachment.content_type or "image/png")


def seal_of(employer: Any) -> str | None:
    """The employer's 电子签章 image, inlined for WeasyPrint (which reads no other file)."""
    profile = EmployerProfile.objects.filter(organisation=employer).exclude(seal_stamp="").first()
    if profile is None:
        return None
    try:
        with profile.seal_stamp.open("rb") as handle:
            return data_uri(handle.read(), "image/png")
    except OSError:
        return None


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"
