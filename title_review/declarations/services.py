"""Every write to a declaration; the only place its status changes (through workflow.target)."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.forms.models import model_to_dict
from django.utils import timezone

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.policies import has_capability, require
from title_review.accounts.selectors import basic_information_of
from title_review.achievements import teacher
from title_review.achievements.models import Achievement, Appraisal, Education
from title_review.achievements.selectors import RECORD_MODELS, picked_with_proofs, proofs_of
from title_review.attachments.services import attachments_of, lock_attachments, unlock_attachments
from title_review.attachments.types import get_type
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.text import clean_name
from title_review.dictionaries import cached
from title_review.organisations.models import EmployerStaff
from title_review.rounds.models import Round
from title_review.rounds.services import accepts

from . import precheck, workflow
from .models import PLEDGE_VERSION, Declaration
from .transitions import transition
from .workflow import Action, Status

# What the 中小学教师 section asks for; 公开课 (open_lesson) is kept there too, as the line the forms print,
# written from the picked 公开课 rows of the 业绩档案 (achievements.teacher).
TEACHER_FIELDS = ("review_type", "student_satisfaction", "theory_score", "theory_year")


@transaction.atomic
def start_declaration(*, actor: Any, round_id: int, pledge_version: str, applicant: Any = None) -> Declaration:
    """Choose a round (in scope and window), accept the 真实性承诺, and open a draft.

    `applicant` is set when employer staff fill a declaration for a colleague (填写材料): the colleague
    must be registered as the employer's staff (单位工作人员).
    """
    round_ = Round.objects.select_related("series").filter(pk=round_id).first()
    if round_ is None:
        raise DomainError("没有找到该评审活动，请从评审活动列表中选择。", code="unknown_round", field="round")
    if pledge_version != PLEDGE_VERSION:
        raise DomainError("请阅读并勾选《真实性承诺》后再开始申报。")
    if applicant is not None and applicant != actor:
        employer = getattr(actor, "organisation", None)
        require(actor, "declaration.fill", employer, message="该账号没有“填写材料”权限。")
        if not EmployerStaff.objects.filter(employer=employer, person=applicant, is_active=True).exists():
            raise DomainError("只能为本单位登记的工作人员填写材料。")
        return _open_draft(
            actor=actor, applicant=applicant, round_=round_, employer=employer, pledge_version=pledge_version
        )
    employer = getattr(actor, "organisation", None)
    if employer is None:
        raise DomainError("您的个人账号尚未关联工作单位，请先由单位将您登记为工作人员后再申报。")
    # A 个人申报账号 files for its person, under the unit that issued it: one person is one applicant.
    person = getattr(actor, "acts_for", actor)
    if person is None:
        raise DomainError("请先完善身份信息（姓名、证件号码）后再申报。")
    if not has_capability(actor, "declaration.declare"):
        raise DomainError("该账号没有“填写申报材料”权限，请联系本单位。")
    return _open_draft(actor=actor, applicant=person, round_=round_, employer=employer, pledge_version=pledge_version)


def _open_draft(*, actor: Any, applicant: Any, round_: Round, employer: Any, pledge_version: str) -> Declaration:
    refusal = accepts(round_, employer)
    if refusal:
        raise DomainError(refusal)
    duplicate = "该申报人已在该评审活动中申报，请在已有的申报材料中继续填写。"
    if Declaration.objects.filter(applicant=applicant, round=round_).exclude(status=Status.WITHDRAWN).exists():
        raise DomainError(duplicate, code="duplicate")
    try:
        with transaction.atomic():
            declaration = Declaration.objects.create(
                applicant=applicant,
                applicant_name=applicant.real_name,
                number=_next_number(round_),
                round=round_,
                employer=employer,
                filled_by=actor,
                route=round_.routes[0] if len(round_.routes) == 1 else "",
                pledge_version=pledge_version,
                pledge_accepted_at=timezone.now(),
            )
    except IntegrityError as exc:  # two clicks at the same moment
        raise DomainError(duplicate, code="duplicate") from exc
    record_event(
        actor=actor,
        action="declaration.start",
        obj=declaration,
        organisation=employer,
        after={"round": round_.pk, "pledge_version": pledge_version, "applicant": applicant.pk},
    )
    return declaration


def _next_number(round_: Round) -> str:
    """申报编号: 年度-活动-序号 (2026-0012-00037), the round's next sequence. The counter's row stays locked
    until the opening commits, so two applicants opening at once get two numbers, and a failed opening
    (a second click) gives its number back."""
    Round.objects.filter(pk=round_.pk).update(declaration_seq=F("declaration_seq") + 1)
    seq = Round.objects.filter(pk=round_.pk).values_list("declaration_seq", flat=True).get()
    return f"{round_.year}-{round_.pk:04d}-{seq:05d}"


def _locked_own(actor: Any, declaration_id: int) -> Declaration:
    """The row `actor` may fill, locked; one query: the policy's rule is the lock's WHERE (a row the actor may
    not fill is neither returned nor locked)."""
    locking = Declaration.objects.select_for_update(of=("self",)).select_related(
        # The applicant names the audit row (str) and the snapshot; the series the precheck: no query each.
        "round__series",
        "employer",
        "applicant",
    )
    found = list(declaration_policy.visible(actor, Purpose.FILL, locking).filter(pk=declaration_id).order_by()[:1])
    if not found:
        raise DomainError("没有这份申报材料。")
    return found[0]


@transaction.atomic
def save_declaration(
    *,
    actor: Any,
    declaration_id: int,
    version: int,
    values: dict[str, Any],
    picks: dict[str, list[int]],
    section_data: dict[str, Any],
) -> Declaration:
    """One 保存 for every tab. Nothing is required to save; 提交 checks completeness."""
    declaration = _locked_own(actor, declaration_id)
    if declaration.status not in workflow.EDITABLE:
        raise DomainError("申报材料已提交，不能再修改。", code="read_only")
    if declaration.version != version:
        raise DomainError("这份申报材料已在别处修改并保存，请刷新页面后再修改。", code="stale", field="version")
    round_ = declaration.round
    _check_choice(values.get("route", ""), round_.routes, "申报方式", "route")
    _check_choice(values.get("target_qualification", ""), round_.qualifications, "申报资格", "target_qualification")
    if round_.specialties:
        _check_choice(values.get("specialty", ""), round_.specialties, "申报专业", "specialty")
    if "recommenders" in values:  # a list of names kept as JSON, which the stored-text backstop does not read
        values = {
            **values,
            "recommenders": [clean_name(n, "破格推荐专家", field="recommenders") for n in values["recommenders"]],
        }
    teacher_series = round_.series_section == "teacher"
    picked_achievements: list[Any] = []
    if teacher_series and picks.get("achievement"):
        # The 中小学教师 section prints the picked 公开课: their rows, read instead of their ids (same count).
        picked_achievements = list(
            Achievement.objects.filter(owner_id=declaration.applicant_id, pk__in=picks["achievement"])
        )
        own = _own_record_ids(declaration.applicant_id, {k: v for k, v in picks.items() if k != "achievement"})
        own |= {("achievement", row.pk) for row in picked_achievements}
    else:
        own = _own_record_ids(declaration.applicant_id, picks)
    clean_picks = {
        section: [i for i in ids if (section, i) in own] for section, ids in picks.items() if section in RECORD_MODELS
    }
    clean_section = _teacher_section(section_data, picked_achievements) if teacher_series else {}
    for name, value in values.items():
        setattr(declaration, name, value)
    declaration.picks = clean_picks
    declaration.section_data = clean_section
    declaration.version += 1
    # Only what a 保存 changes (not the snapshot, chain or status columns the row also carries).
    declaration.save(update_fields=[*values, "picks", "section_data", "version", "updated_at"])
    record_event(
        actor=actor,
        action="declaration.save",
        obj=declaration,
        organisation=declaration.employer,
        after={"version": declaration.version},
    )
    return declaration


def _own_record_ids(owner_id: int, picks: dict[str, list[int]]) -> set[tuple[str, int]]:
    """(section, id) of the picked 业绩档案 rows that belong to `owner_id`: one query for every section."""
    parts = [
        RECORD_MODELS[section]
        ._default_manager.filter(owner_id=owner_id, pk__in=ids)
        .order_by()
        .annotate(section=Value(section, output_field=CharField()))
        .values_list("section", "pk")
        for section, ids in picks.items()
        if section in RECORD_MODELS and ids
    ]
    if not parts:
        return set()
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(section, pk) for section, pk in rows}


def _check_choice(value: str, allowed: list[str], label: str, field: str) -> None:
    if value and value not in allowed:
        raise DomainError(f"所选{label}不在该评审活动的范围内。", field=field)


SATISFACTION = "学生满意度请填写 0 到 100 之间的数字（不带 %）。"


def _teacher_section(data: dict[str, Any], picked_achievements: Any) -> dict[str, Any]:
    section = {k: data.get(k) for k in TEACHER_FIELDS if data.get(k) not in (None, "")}
    score = teacher.clean_theory_score(section.get("theory_score"))
    year = teacher.clean_theory_year(section.get("theory_year"))
    if score is not None:
        section["theory_score"] = float(score)
    if year is not None:
        section["theory_year"] = year
    summary = teacher.open_lesson_summary(list(picked_achievements))
    if summary:
        section["open_lesson"] = summary
    satisfaction = section.get("student_satisfaction")
    if satisfaction is not None:
        try:
            number = float(str(satisfaction).rstrip("%"))
        except ValueError as exc:
            raise DomainError(SATISFACTION, field="section_data") from exc
        if not 0 <= number <= 100:
            raise DomainError(SATISFACTION, field="section_data")
        section["student_satisfaction"] = number
    return section


# What a round requires unless it lists its own (Round.required_sections / Round.attachment_types).
SECTION_LABELS = (
    ("education", "学历学位"),
    ("work", "工作经历"),
    ("training", "继续教育"),
    ("appraisal", "年度考核"),
    ("achievement", "业绩成果"),
)
DEFAULT_REQUIRED_SECTIONS = ("education", "work", "appraisal")
DEFAULT_REQUIRED_ATTACHMENTS = ("photo", "id_card", "review_form")


def _attachment_label(kind: str) -> str:
    return get_type(kind).label


@dataclass
class Missing:
    tab: str
    items: list[str]


def completeness(
    declaration: Declaration,
    *,
    attachment_kinds: set[str] | None = None,
    loaded: dict[str, list[Any]] | None = None,
) -> list[Missing]:
    """What is still missing, tab by tab (empty when the dossier may be submitted).

    `attachment_kinds`: the kinds of the declaration's attachments when the caller has them already;
    `loaded`: the applicant's 业绩档案 rows by section, likewise (the dossier page reads them all)."""
    missing: list[Missing] = []
    basic = [
        label
        for field, label in (
            ("route", "申报方式"),
            ("target_qualification", "申报资格"),
            ("current_qualification_date", "取得现有资格时间"),
        )
        if not getattr(declaration, field)
    ]
    if declaration.round.specialties and not declaration.specialty:
        basic.append("申报专业")
    if basic:
        missing.append(Missing("基本信息", basic))
    labels = dict(SECTION_LABELS)
    for section in declaration.round.required_sections or DEFAULT_REQUIRED_SECTIONS:
        if section in labels and not declaration.picks.get(section):
            missing.append(Missing(labels[section], [f"请从业绩档案中选取{labels[section]}"]))
    if declaration.round.series_section == "teacher":
        labels = {
            "review_type": "拟评审类型",
            "student_satisfaction": "学生满意度",
            "theory_score": "教育理论成绩",
            "theory_year": "教育理论考试年度",
        }
        absent = [labels[k] for k in TEACHER_FIELDS if k not in declaration.section_data]
        verdict = teacher.theory_verdict(
            declaration.section_data.get("theory_score"), declaration.section_data.get("theory_year")
        )
        absent += [verdict] if verdict else []
        achievement_ids = list((declaration.picks or {}).get("achievement", []))
        if loaded is not None and "achievement" in loaded:
            picked = [r for r in loaded["achievement"] if r.pk in set(achievement_ids)]
            proofs = proofs_of(picked)
        else:
            picked, proofs = picked_with_proofs(declaration.applicant_id, achievement_ids)
        absent += teacher.dossier_gaps(picked, proofs)
        absent += _four_year_appraisals(declaration, loaded)
        if absent:
            missing.append(Missing("中小学教师专项", absent))
    kinds = (
        attachment_kinds
        if attachment_kinds is not None
        else set(attachments_of(declaration).values_list("kind", flat=True))
    )
    required_files = declaration.round.attachment_types or DEFAULT_REQUIRED_ATTACHMENTS
    absent_files = [_attachment_label(kind) for kind in required_files if kind not in kinds]
    if absent_files:
        missing.append(Missing("附件", absent_files))
    return missing


def _four_year_appraisals(declaration: Declaration, loaded: dict[str, list[Any]] | None = None) -> list[str]:
    """中小学教师: 硕士 and 破格 applicants show the 年度考核 of the 4 years before the round."""
    picks = declaration.picks or {}
    if loaded is not None:
        education_ids, appraisal_ids = set(picks.get("education", [])), set(picks.get("appraisal", []))
        master = any(e.pk in education_ids and e.education == "14" for e in loaded.get("education", []))
        if declaration.route != "02" and not master:
            return []
        years = {a.year for a in loaded.get("appraisal", []) if a.pk in appraisal_ids}
    else:
        master = Education.objects.filter(pk__in=picks.get("education", []), education="14").exists()
        if declaration.route != "02" and not master:
            return []
        years = set(Appraisal.objects.filter(pk__in=picks.get("appraisal", [])).values_list("year", flat=True))
    wanted = range(declaration.round.year - 4, declaration.round.year)
    lacking = [str(y) for y in wanted if y not in years]
    return [f"近 4 年年度考核（缺 {'、'.join(lacking)} 年度）"] if lacking else []


def _snapshot(declaration: Declaration, *, attachments: list[Any] | None = None) -> dict[str, Any]:
    """`attachments`: the declaration's attachments in id order when the caller has them already."""
    if attachments is None:
        attachments = list(attachments_of(declaration).order_by("pk"))
    records = {}
    for section, ids in declaration.picks.items():
        model = RECORD_MODELS[section]
        records[section] = [
            {k: v for k, v in model_to_dict(row).items() if k != "owner"}
            for row in model._default_manager.filter(pk__in=ids).order_by("pk")
        ]
    target = cached.by_code("qualification").get(declaration.target_qualification)
    names = {target.code: target.name} if target else {}
    return {
        "applicant": {
            "id": declaration.applicant_id,
            "name": declaration.applicant.real_name,
            "basic_information": dict(basic_information_of(declaration.applicant)),
        },
        "employer": {"id": declaration.employer_id, "name": declaration.employer.name},
        "round": {"id": declaration.round_id, "title": declaration.round.title},
        "route": declaration.route,
        "target_qualification": {
            "code": declaration.target_qualification,
            "name": names.get(declaration.target_qualification, ""),
        },
        "specialty": declaration.specialty,
        "recommenders": declaration.recommenders,
        "current_qualification": declaration.current_qualification,
        "current_qualification_date": declaration.current_qualification_date,
        "section_data": declaration.section_data,
        "records": records,
        "attachments": [
            {"id": a.pk, "kind": a.kind, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in attachments
        ],
        "pledge": {"version": declaration.pledge_version, "accepted_at": declaration.pledge_accepted_at},
    }


def preview(declaration: Declaration) -> dict[str, Any]:
    """The same shape as the snapshot, built from the draft (for the print preview before 提交)."""
    return json.loads(json.dumps(_snapshot(declaration), cls=DjangoJSONEncoder, ensure_ascii=False))


@transaction.atomic
def submit_declaration(*, actor: Any, declaration_id: int) -> Declaration:
    """提交: to the employer, with an immutable snapshot and its SHA-256; read-only from then on.

    The row lock makes two simultaneous clicks give one submission and one “请勿重复提交”.
    """
    declaration = _locked_own(actor, declaration_id)
    workflow.target(declaration.status, Action.SUBMIT)
    resubmission = declaration.status == Status.RETURNED
    # A returned declaration may be corrected and resubmitted after the window has closed.
    refusal = accepts(declaration.round, declaration.employer)
    if refusal and not (resubmission and declaration.round.status == "published"):
        raise DomainError(refusal)
    # A 诚信档案 ban refuses in every precheck mode; a failed rule where the round blocks (ADR 0040).
    precheck.gate(declaration)
    # The attachments once, for the completeness check and the snapshot.
    files = list(attachments_of(declaration).order_by("pk"))
    missing = completeness(declaration, attachment_kinds={a.kind for a in files})
    if missing:
        raise DomainError(
            "材料尚不完整：" + "；".join(f"{m.tab}（{'、'.join(m.items)}）" for m in missing) + "。", code="incomplete"
        )
    snapshot = json.loads(
        json.dumps(_snapshot(declaration, attachments=files), cls=DjangoJSONEncoder, ensure_ascii=False)
    )
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    previous_hash = declaration.snapshot_hash
    declaration.submitted_at = timezone.now()
    declaration.snapshot = snapshot
    declaration.applicant_name = declaration.applicant.real_name
    declaration.snapshot_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # A resubmission goes through the chain again from the start.
    declaration.chain = []
    declaration.correction_open = False
    transition(
        declaration,
        Action.SUBMIT,
        actor=actor,
        organisation=declaration.employer,
        level="申报人",
        reason=f"材料摘要 {declaration.snapshot_hash[:16]}"
        + (
            "；材料内容有改动，已打印的表格须重新打印"
            if previous_hash and previous_hash != declaration.snapshot_hash
            else ""
        ),
        next_org=declaration.employer,
        extra_fields=("submitted_at", "snapshot", "snapshot_hash", "chain", "correction_open", "applicant_name"),
    )
    lock_attachments(target=declaration)
    return declaration


@transaction.atomic
def take_back(*, actor: Any, declaration_id: int) -> Declaration:
    """撤回提交: the applicant takes a submission back to 填写中 while it waits for the employer and nobody
    there has acted on it (no decision, no 内部审核意见 since it was submitted). Afterwards only the
    employer's 退回 gives it back. The row lock decides a take-back and an employer's decision at the same
    moment: whichever comes second is refused."""
    declaration = _locked_own(actor, declaration_id)
    if declaration.applicant_id != actor.pk:
        raise DomainError("只有申报人本人可以撤回提交。", code="not_applicant")
    if declaration.status in (Status.DRAFT, Status.RETURNED):
        raise DomainError("这份申报材料尚未提交，无需撤回。", code="not_submitted")
    acted = declaration.status != Status.WITH_EMPLOYER or (
        declaration.submitted_at is not None
        and declaration.internal_opinions.filter(updated_at__gte=declaration.submitted_at).exists()
    )
    if acted:
        raise DomainError("单位已开始审核，不能再撤回；如需修改，请联系单位退回。", code="employer_acted")
    transition(
        declaration,
        Action.TAKE_BACK,
        actor=actor,
        organisation=declaration.employer,
        level="申报人",
        reason="申报人撤回提交，材料回到填写中",
        next_org=None,
    )
    unlock_attachments(target=declaration)
    return declaration


@transaction.atomic
def delete_draft(*, actor: Any, declaration_id: int) -> None:
    """管理材料 → 删除: drafts only; submitted material is never deleted."""
    declaration = _locked_own(actor, declaration_id)
    if declaration.status != Status.DRAFT:
        raise DomainError("已提交过的申报材料不能删除。")
    record_event(
        actor=actor,
        action="declaration.delete",
        obj=declaration,
        organisation=declaration.employer,
        before={"applicant": declaration.applicant_id, "round": declaration.round_id},
    )
    declaration.delete()
