"""Print a form: gather what it shows, decide masking and watermark, render, audit full identities.

The callers (views, the batch job) have already decided that the viewer may print the object
(printing.selectors); these functions decide how it looks for that viewer (ADR 0013):

- 证件号码 and 手机号码 are masked unless the viewer holds "identity.full" on the declaration's
  employer; a PDF showing them in full writes an audit row "print.full_identity".
- Forms with personal data carry a diagonal watermark with the viewer's name, account and the time.
  The declaration's own employer prints 初定表 / 认定表 without it (the manual: 打印初定表或认定表，
  不带水印 — the employer signs and seals that paper copy).
- Blank forms (打印有关空白表格) have no data, no watermark and no digest.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from title_review.access.policies import can
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.pagination import COUNT_CAP
from title_review.declarations.workflow import Status
from title_review.dictionaries.models import Entry
from title_review.jobs.models import Job
from title_review.jobs.services import enqueue
from title_review.reviews.models import CheckItem
from title_review.reviews.services import check_items_of

from . import selectors
from .documents import (
    BLANK_ROWS,
    DECLARATION_FORMS,
    FORMS,
    SECTION_TITLES,
    Dossier,
    Form,
    Identity,
    day,
    dossier_of,
    identity_of,
    month,
    photo_of,
    seal_of,
)
from .renderer import render_pdf
from .watermark import watermark_image

BATCH_KIND = "printing.round_review_forms"


@dataclass(frozen=True)
class Printed:
    filename: str
    content: bytes


def watermark_text(viewer: Any) -> str:
    name = getattr(viewer, "real_name", "") or viewer.username
    return f"{name}（{viewer.username}） {timezone.localtime():%Y-%m-%d %H:%M}"


def _frame(form: Form, *, watermark: str | None, digest: str = "", blank: bool = False) -> dict[str, Any]:
    """What every form's frame shows: heading, watermark, digest and print time in the footer."""
    mark = None
    if watermark:
        image, width = watermark_image(watermark)
        mark = {"text": watermark, "image": image, "width": width}
    return {
        "form": form,
        "blank": blank,
        "watermark": mark,
        "digest": digest[:16],
        "printed_at": "" if blank else f"{timezone.localtime():%Y-%m-%d %H:%M}",
        "blank_rows": range(BLANK_ROWS),
    }


def _employer_opinion(declaration: Any) -> dict[str, Any]:
    text = declaration.employer_opinion
    return {
        "text": text,
        "date": day(declaration.employer_opinion_at),
        "employer": declaration.employer.name,
        # The seal is stamped only on an opinion the employer actually gave.
        "seal": seal_of(declaration.employer) if text else None,
    }


def _department_opinions(declaration: Any) -> list[dict[str, str]]:
    """主管部门意见 as recorded in the 审核记录 (each level's pass, with its opinion)."""
    rows = declaration.records.filter(action__in=("pass", "pass_to_office")).select_related("organisation")
    return [
        {
            "organisation": r.organisation.name if r.organisation else r.level,
            "opinion": r.reason or "同意",
            "date": day(r.created_at),
        }
        for r in rows.order_by("created_at", "pk")
    ]


def _office_conclusion(declaration: Any) -> dict[str, str]:
    """资格审查结论 of the title office, from the status and its 审核记录."""
    if declaration.status == Status.ACCEPTED:
        record = declaration.records.filter(action="accept").order_by("-created_at", "-pk").first()
        return {"text": "审查通过，予以受理。", "date": day(record.created_at) if record else ""}
    if declaration.status == Status.REJECTED:
        record = declaration.records.filter(action="reject").order_by("-created_at", "-pk").first()
        reason = record.reason if record else ""
        return {"text": f"不予受理：{reason}", "date": day(record.created_at) if record else ""}
    if declaration.status == Status.QUALIFICATION_CHECK:
        return {"text": "资格审查中。", "date": ""}
    return {"text": "", "date": ""}


_DESCRIBE = {
    "education": lambda e: f"{e['school']} {e['major']} {e['education']}（{e['period']}）",
    "work": lambda w: f"{w['employer']} {w['position']}（{w['period']}）",
    "training": lambda t: f"{t['year']} 年 {t['title']}（{t['hours']} 学时）",
    "appraisal": lambda a: f"{a['year']} 年度 {a['result']}",
    "achievement": lambda a: f"{a['category']}：{a['title']}（{a['date']}）",
}


def _check_labels(dossier: Dossier) -> dict[str, tuple[str, str]]:
    """What each 审查项 key ("section.id" of the snapshot) names, written out in full."""
    sections = {
        "education": dossier.education,
        "work": dossier.work,
        "training": dossier.training,
        "appraisal": dossier.appraisal,
        "achievement": dossier.achievements,
    }
    labels = {
        f"{section}.{row['id']}": (SECTION_TITLES[section], _DESCRIBE[section](row))
        for section, rows in sections.items()
        for row in rows
    }
    for a in dossier.attachments:
        labels[f"attachment.{a['id']}"] = ("附件", f"{a['kind']}：{a['name']}")
    return labels


def _checks(declaration: Any, dossier: Dossier) -> list[dict[str, Any]]:
    """资格审查表: every item of the snapshot with its verification result, if it has one yet."""
    done = {c.key: c for c in CheckItem.objects.filter(declaration=declaration).select_related("checked_by")}
    labels = _check_labels(dossier)
    rows = []
    for key, label in check_items_of(declaration):
        item = done.get(key)
        section, text = labels.get(key, ("", label))
        rows.append(
            {
                "section": section,
                "label": text,
                "result": item.get_result_display() if item else "未审查",
                "flagged": bool(item and item.result == "flagged"),
                "reason": item.reason if item else "",
                "checker": (item.checked_by.real_name or item.checked_by.username) if item else "",
                "date": day(item.updated_at) if item else "",
            }
        )
    return rows


def declaration_context(*, viewer: Any, declaration: Any, form_key: str) -> dict[str, Any]:
    """Everything a declaration form prints, for this viewer."""
    form = FORMS[form_key]
    full = can(viewer, "identity.full", declaration.employer)
    own_copy = form_key in ("initial", "recognition") and selectors.is_own_employer(viewer, declaration)
    context = {
        **_frame(form, watermark=None if own_copy else watermark_text(viewer), digest=declaration.snapshot_hash),
        "d": dossier_of(declaration),
        "identity": identity_of(declaration.applicant, full=full),
        "opinion": _employer_opinion(declaration),
        "status": declaration.get_status_display(),
    }
    if form_key in ("review", "initial", "recognition"):
        context["photo"] = photo_of(declaration)
    if form_key == "check":
        context["checks"] = _checks(declaration, context["d"])
        context["conclusion"] = _office_conclusion(declaration)
    if form_key in ("initial", "recognition"):
        context["departments"] = _department_opinions(declaration)
        context["conclusion"] = _office_conclusion(declaration)
    return context


def _audit_full_identity(viewer: Any, declaration: Any, form: Form) -> None:
    with transaction.atomic():
        record_event(
            actor=viewer,
            action="print.full_identity",
            obj=declaration,
            organisation=declaration.employer,
            after={"form": form.key, "title": form.short},
        )


def print_declaration(*, viewer: Any, declaration: Any, form_key: str) -> Printed:
    """One of the declaration forms (评审表, 评审简表, 资格审查表, 初定表, 认定表) as a PDF.

    Prints the snapshot (what the reviewers received); a declaration never submitted has none.
    """
    if form_key not in DECLARATION_FORMS:
        raise DomainError("没有这种表格。")
    if not declaration.snapshot:
        raise DomainError("申报材料尚未提交，没有可打印的评审表。")
    form = FORMS[form_key]
    context = declaration_context(viewer=viewer, declaration=declaration, form_key=form_key)
    content = render_pdf(form.template, context)
    identity: Identity = context["identity"]
    if identity.full and (identity.id_number or identity.phone):
        _audit_full_identity(viewer, declaration, form)
    return Printed(f"{context['d'].name}-{form.short}.pdf", content)


def _listing_row(index: int, declaration: Any, names: dict[tuple[str, str], str]) -> dict[str, Any]:
    snap = declaration.snapshot or {}
    person = declaration.applicant
    target = snap.get("target_qualification") or {}
    return {
        "index": index,
        "name": (snap.get("applicant") or {}).get("name") or person.real_name,
        "sex": person.sex,
        "birth": month(person.birth_date),
        "employer": (snap.get("employer") or {}).get("name") or declaration.employer.name,
        "current": names.get(("qualification", snap.get("current_qualification") or ""), ""),
        "target": target.get("name") or target.get("code") or "",
        "specialty": names.get(("specialty", snap.get("specialty") or ""), snap.get("specialty") or ""),
        "status": declaration.get_status_display(),
    }


def _listing(declarations: list[Any]) -> list[dict[str, Any]]:
    """Rows of 公示表 / 汇总表, with the dictionary names looked up in one query."""
    codes = {(d.snapshot or {}).get("current_qualification") or "" for d in declarations}
    codes |= {(d.snapshot or {}).get("specialty") or "" for d in declarations}
    rows = Entry.objects.filter(type__code__in=("qualification", "specialty"), code__in=codes - {""})
    names = {(type_code, code): name for type_code, code, name in rows.values_list("type__code", "code", "name")}
    return [_listing_row(i, d, names) for i, d in enumerate(declarations, start=1)]


def print_publicity(*, viewer: Any, publicity: Any) -> Printed:
    """公示表 of one 单位内部公示: its candidates, the period, where and how to object."""
    form = FORMS["publicity"]
    declarations = list(
        publicity.declarations.select_related("applicant", "employer").order_by("applicant__real_name", "pk")
    )
    context = {
        **_frame(form, watermark=watermark_text(viewer)),
        "publicity": publicity,
        "period": f"{day(publicity.starts_on)}至{day(publicity.ends_on)}（{publicity.working_days} 个工作日）",
        "rows": _listing(declarations),
        "seal": seal_of(publicity.employer),
        "issued": day(publicity.starts_on),
    }
    content = render_pdf(form.template, context)
    return Printed(f"{publicity.employer.name}-{form.short}-{publicity.starts_on:%Y%m%d}.pdf", content)


# A printed 汇总表 is built in the request: up to this many rows (about 50 landscape pages). A bigger round
# is exported as an Excel 汇总表 (a background job), or printed per employer by the employers themselves.
SUMMARY_MAX_ROWS = 1000


def print_round_summary(*, viewer: Any, round_: Any) -> Printed:
    """汇总表 of a round: every submitted declaration the viewer may print, one row each (landscape).

    Refused above SUMMARY_MAX_ROWS rows, found with a count that reads at most that many rows + 1."""
    form = FORMS["summary"]
    rows = selectors.round_declarations(viewer, round_)
    if rows.order_by()[: SUMMARY_MAX_ROWS + 1].count() > SUMMARY_MAX_ROWS:
        raise DomainError(
            f"该评审活动中您可以打印的申报材料超过 {SUMMARY_MAX_ROWS:,} 份，汇总表 PDF 过大。"
            "请在上报材料跟踪中按评审活动导出汇总表（Excel）。"
        )
    declarations = list(rows)
    organisation = getattr(viewer, "organisation", None)
    context = {
        **_frame(form, watermark=watermark_text(viewer)),
        "round": round_,
        "rows": _listing(declarations),
        "scope": organisation.name if organisation is not None else "",
    }
    content = render_pdf(form.template, context)
    return Printed(f"{round_.title}-{form.short}.pdf", content)


def print_blank(*, form_key: str) -> Printed:
    """打印有关空白表格: the form with empty fields, to fill in by hand."""
    if form_key not in FORMS:
        raise DomainError("没有这种表格。")
    form = FORMS[form_key]
    context = {
        **_frame(form, watermark=None, blank=True),
        "d": Dossier(),
        "identity": Identity(),
        "opinion": {"text": "", "date": "", "employer": "", "seal": None},
        "rows": [],
        "checks": [],
        "departments": [],
        "conclusion": {"text": "", "date": ""},
    }
    return Printed(f"{form.short}（空白）.pdf", render_pdf(form.template, context))


@transaction.atomic
def start_round_batch(*, actor: Any, round_id: int) -> Job:
    """批量打印评审表: a background job zipping every 评审表 of the round the actor may print."""
    round_ = selectors.printable_round(actor, round_id)
    if round_ is None:
        raise DomainError("评审活动不存在或您无权打印。")
    # A capped count (the list pattern, issue 12): the job finds the exact number when it runs.
    count = selectors.batch_declarations(actor, round_).order_by()[: COUNT_CAP + 1].count()
    if not count:
        raise DomainError("该评审活动中没有您可以打印的已提交材料。")
    shown = f"{COUNT_CAP:,}+" if count > COUNT_CAP else str(count)
    return enqueue(
        owner=actor,
        kind=BATCH_KIND,
        title=f"批量打印评审表：{round_.title}（{shown} 份）",
        params={"round": round_.pk},
    )
