"""Builds the demo's living province (activity_data.py) through the services, as the people would.

Every step is a call a page makes for a signed-in demo account: the office registers committees and publishes
rounds, employers issue 个人申报账号, applicants keep their 业绩档案 and fill and submit, employers pass,
publicise and 上报, departments pass or return, the 杭州市职改办 checks, accepts or returns. No row is written
past a service, so every step has its 审核记录 and its audit row.
"""

import datetime as dt
import io
import zlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from title_review.accounts.models import User
from title_review.achievements import services as records
from title_review.attachments.services import upload_attachment
from title_review.committees import services as meetings
from title_review.core.identity import check_digit
from title_review.declarations import services as declarations
from title_review.declarations.models import PLEDGE_VERSION, Declaration
from title_review.demo import activity_data as data
from title_review.demo.data import COMMITTEE as DEMO_COMMITTEE
from title_review.demo.data import ORGANISATIONS, ROOT
from title_review.dictionaries.models import Entry
from title_review.organisations import filing
from title_review.organisations.models import Organisation
from title_review.reviews import services as reviews
from title_review.rounds import services as rounds
from title_review.rounds.models import Committee, Round

BEIJING = ZoneInfo("Asia/Shanghai")
OPINION = "经审核，申报材料真实完整，符合申报条件，同意推荐。"


@dataclass
class Built:
    rounds: dict[str, Round] = field(default_factory=dict)
    declarations: dict[str, Declaration] = field(default_factory=dict)  # by login / account name


def already_loaded() -> bool:
    """The activity is there once one of its committees is (the whole load is one transaction); a year later
    it is still there, with last year's dates."""
    return Committee.objects.filter(name__in=[spec["name"] for spec in data.COMMITTEES]).exists()


def build(today: dt.date) -> Built:
    """The rounds and declarations of activity_data.py, dated from `today` (Beijing)."""
    users = {u.username: u for u in User.objects.filter(username__in=_demo_usernames())}
    orgs = _organisations()
    built = Built()
    committees = {spec["key"]: _committee(spec, users, orgs, today) for spec in data.COMMITTEES}
    for spec in data.ROUNDS:
        built.rounds[spec["key"]] = _round(spec, committees[spec["key"]], users, orgs, today)
    applicants = _applicants(users, orgs, today)
    for person in data.PEOPLE:
        key = person.get("account") or person["login"]
        round_ = built.rounds[person["round"]]
        declaration = _filled(applicants[key], round_, person, today)
        built.declarations[key] = declaration
    _advance(built, users, orgs, today)
    built.rounds["sitting"] = _sitting(users, orgs, today)
    return built


def _demo_usernames() -> set[str]:
    return {
        data.OFFICE,
        data.QUALIFICATION_REVIEWER,
        data.RETURN_REVIEWER,
        *(spec["by"] for spec in data.COMMITTEES),
        *data.EMPLOYER_ADMINS.values(),
        *data.DEPARTMENT_REVIEWERS.values(),
        *(p["account"] for p in data.PEOPLE if "account" in p),
        data.SITTING["by"],
        data.SITTING["secretary"],
    }


def _organisations() -> dict[str, Organisation]:
    names = {ROOT["key"]: ROOT["name"], **{key: name for key, _parent, name, _kind, _region in ORGANISATIONS}}
    by_name = {o.name: o for o in Organisation.objects.filter(name__in=names.values())}
    return {key: by_name[name] for key, name in names.items()}


def _levels(names: list[str]) -> list[str]:
    codes = dict(Entry.objects.filter(type__code="level", name__in=names).values_list("name", "code"))
    return [codes[name] for name in names]


def _committee(spec: dict[str, Any], users: dict[str, User], orgs: dict[str, Organisation], today: dt.date) -> Any:
    filed_on = today - dt.timedelta(days=200)
    return rounds.create_committee(
        actor=users[spec["by"]],
        host=orgs[spec["host"]],
        name=spec["name"],
        series=Entry.objects.get(type__code="series", name=spec["series"]),
        levels=_levels(spec["levels"]),
        specialties=[],
        filing_number=spec["filing_number"].format(year=filed_on.year),
        filed_on=filed_on,
        valid_until=filed_on + dt.timedelta(days=3 * 365 - 1),
    )


def _round(
    spec: dict[str, Any], committee: Any, users: dict[str, User], orgs: dict[str, Organisation], today: dt.date
) -> Round:
    office = users[data.OFFICE]
    opens = dt.datetime.combine(today - dt.timedelta(days=data.OPENED_DAYS_AGO), dt.time(9), tzinfo=BEIJING)
    closes = dt.datetime.combine(today + dt.timedelta(days=data.CLOSES_IN_DAYS), dt.time(17), tzinfo=BEIJING)
    round_ = rounds.create_round(
        actor=office,
        publisher=orgs["hz"],
        title=spec["title"].format(year=today.year),
        year=today.year,
        kind="review",
        series=committee.series,
        committee=committee,
        opens_at=opens,
        closes_at=closes,
    )
    rounds.update_round(
        actor=office,
        round_id=round_.pk,
        changes={
            "levels": list(committee.levels),
            "routes": ["01"],
            "notice": "请按要求如实填写申报材料，单位审核、公示后逐级上报。逾期不予受理。",
            # 中小学教师: the series' own section (公开课, 拟评审类型, 学生满意度, 教育理论).
            "series_section": spec.get("series_section", ""),
        },
        scope=[orgs[key] for key in spec["scope"]],
    )
    return rounds.publish_round(actor=office, round_id=round_.pk)


def _sitting(users: dict[str, User], orgs: dict[str, Organisation], today: dt.date) -> Round:
    """The province's engineering committee sits: its round published by the province, the meeting organised
    with named members and opened by the committee's secretary."""
    spec = data.SITTING
    office = users[spec["by"]]
    committee = Committee.objects.get(name=DEMO_COMMITTEE["name"])
    round_ = rounds.create_round(
        actor=office,
        publisher=orgs[ROOT["key"]],
        title=spec["round_title"].format(year=today.year),
        year=today.year,
        kind="review",
        series=committee.series,
        committee=committee,
        opens_at=dt.datetime.combine(today - dt.timedelta(days=data.OPENED_DAYS_AGO), dt.time(9), tzinfo=BEIJING),
        closes_at=dt.datetime.combine(today + dt.timedelta(days=data.CLOSES_IN_DAYS), dt.time(17), tzinfo=BEIJING),
    )
    rounds.update_round(
        actor=office,
        round_id=round_.pk,
        changes={"levels": _levels(spec["levels"]), "routes": ["01"]},
        scope=[orgs[key] for key in spec["scope"]],
    )
    round_ = rounds.publish_round(actor=office, round_id=round_.pk)
    members = dict(User.objects.filter(username__in=spec["members"]).values_list("username", "pk"))
    secretary = User.objects.get(username=spec["secretary"])
    meeting = meetings.create_meeting(
        actor=secretary,
        round_id=round_.pk,
        committee_id=committee.pk,
        title=spec["meeting_title"].format(year=today.year),
        member_ids=[members[name] for name in spec["members"]],
    )
    meetings.start_meeting(actor=secretary, meeting_id=meeting.pk)
    return round_


def identity_number(region: str, born: str, sequence: int, male: bool) -> str:
    """A valid 18-digit number (GB 11643): region, birth date, a sequence whose last digit is odd for men."""
    order = f"{sequence % 100:02d}{(2 * sequence + (1 if male else 0)) % 10}"
    first17 = f"{region}{born}{order}"
    return first17 + check_digit(first17)


def _applicants(users: dict[str, User], orgs: dict[str, Organisation], today: dt.date) -> dict[str, User]:
    """The demo's own applicants, and a 个人申报账号 for each colleague, issued by the employer's administrator
    with the colleague's name and identity number (工作账号管理 → 添加)."""
    applicants: dict[str, User] = {}
    for sequence, person in enumerate(data.PEOPLE, start=1):
        if "account" in person:
            applicants[person["account"]] = users[person["account"]]
            continue
        employer_key = data.ROUND_EMPLOYER[person["round"]]
        account, _password = filing.create_filing_account(
            actor=users[data.EMPLOYER_ADMINS[employer_key]],
            employer_id=orgs[employer_key].pk,
            username=person["login"],
            permissions=["declare"],
            real_name=person["name"],
            id_number=identity_number(data.PEOPLE_REGION[employer_key], person["born"], sequence, person["male"]),
        )
        applicants[person["login"]] = account
    return applicants


def _png(text_colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), text_colour).save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes:
    """A one-page A4 PDF standing in for the scanned, signed 评审表."""
    stream = zlib.compress(b"BT /F1 18 Tf 72 770 Td (Review form - demo) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _upload(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    upload.size = len(content)  # type: ignore[attr-defined]
    return upload


def _filled(actor: User, round_: Round, person: dict[str, Any], today: dt.date) -> Declaration:
    """我要申报 → 真实性承诺 → 业绩档案 rows picked → 保存 → the three files: a complete draft."""
    declaration = declarations.start_declaration(actor=actor, round_id=round_.pk, pledge_version=PLEDGE_VERSION)
    born = dt.date(1985, 1, 1)
    if actor.acts_for is not None and actor.acts_for.birth_date:
        born = actor.acts_for.birth_date
    graduated = dt.date(born.year + 22, 7, 1)
    education = records.save_record(
        actor=actor,
        section="education",
        values={
            "school": "浙江大学",
            "major": _major(round_),
            "education": "21",  # 大学本科
            "enrolled_on": dt.date(born.year + 18, 9, 1),
            "graduated_on": graduated,
        },
    )
    work = records.save_record(
        actor=actor,
        section="work",
        values={
            "employer_name": declaration.employer.name,
            "position": _position(round_),
            "started_on": dt.date(graduated.year, 8, 1),
            "referee": "人事科",
        },
    )
    appraisals = [
        records.save_record(actor=actor, section="appraisal", values={"year": year, "result": "01"})
        for year in range(today.year - 4, today.year)
    ]
    # 继续教育: 60 学时 专业科目 and 30 公需科目 a year (≥ 90, 专业科目 ≥ 2/3), the three years before the round.
    training = [
        records.save_record(
            actor=actor,
            section="training",
            values={"year": year, "kind": kind, "title": title, "organiser": "浙江省继续教育平台", "hours": hours},
        )
        for year in range(today.year - 3, today.year)
        for kind, title, hours in (("professional", "专业科目培训", 60), ("public", "公需科目培训", 30))
    ]
    target = round_.qualifications[0] if round_.qualifications else ""
    picks: dict[str, list[int]] = {}
    section_data: dict[str, Any] = {}
    if round_.series_section == "teacher":
        picks["achievement"], section_data = _teacher_section(actor, graduated, today)
    declarations.save_declaration(
        actor=actor,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": target,
            "current_qualification": _one_level_below(target),
            "current_qualification_date": dt.date(graduated.year + 6, 12, 1),
        },
        picks={
            "education": [education.pk],
            "work": [work.pk],
            "appraisal": [a.pk for a in appraisals],
            "training": [t.pk for t in training],
            **picks,
        },
        section_data=section_data,
    )
    person_row = actor.acts_for or actor
    for kind, name, content in (
        ("photo", "证件照.png", _png("#e8eef5")),
        ("id_card", "身份证.png", _png("#f4f1e8")),
        ("review_form", "评审表.pdf", _pdf()),
    ):
        upload_attachment(actor=actor, owner=person_row, kind=kind, upload=_upload(name, content), target=declaration)
    return Declaration.objects.get(pk=declaration.pk)


def _teacher_section(actor: User, graduated: dt.date, today: dt.date) -> tuple[list[int], dict[str, Any]]:
    """中小学教师: a 公开课 row with its 证明材料 (uploaded first, then linked as the 业绩档案 page does), and the
    section's fields; the 教育理论 mark passes the pass mark of the year it was taken."""
    proof = upload_attachment(actor=actor, owner=actor, kind="proof", upload=_upload("公开课证明.png", _png("#eef5e8")))
    lesson = records.save_record(
        actor=actor,
        section="achievement",
        values={
            "category": "open_lesson",
            "title": "《背影》群文阅读教学",
            "date": dt.date(today.year - 2, 11, 15),
            "lesson_level": "city",
            "venue": "杭州市教育局教研室",
        },
        proof_id=proof.pk,
    )
    section = {
        "review_type": "正常晋升",
        "student_satisfaction": "96",
        "theory_score": "82",
        "theory_year": str(graduated.year + 1),
    }
    return [lesson.pk], section


def _one_level_below(target: str) -> str:
    """The 资格名称 of the same series one level below `target` (主治医师 under 副主任医师): what the applicant holds."""
    entry = Entry.objects.filter(type__code="qualification", code=target).first()
    if entry is None:
        return ""
    level = str(int((entry.attributes or {}).get("level", "0")) + 1)
    below = (
        Entry.objects.filter(type__code="qualification", parent_id=entry.parent_id, attributes__level=level)
        .order_by("sort_order")
        .first()
    )
    return below.code if below else ""


def _major(round_: Round) -> str:
    return {
        "卫生技术人员": "临床医学",
        "中小学教师": "汉语言文学",
        "工程技术人员": "计算机科学与技术",
        "经济专业人员": "经济学",
        "会计专业人员": "会计学",
    }.get(round_.series.name, "管理学")


def _position(round_: Round) -> str:
    return {
        "卫生技术人员": "主治医师",
        "中小学教师": "语文教师",
        "工程技术人员": "软件工程师",
        "经济专业人员": "经济师",
        "会计专业人员": "会计师",
    }.get(round_.series.name, "专业技术人员")


def _fresh(declaration: Declaration) -> Declaration:
    return Declaration.objects.select_related("employer", "current_org").get(pk=declaration.pk)


def _advance(built: Built, users: dict[str, User], orgs: dict[str, Organisation], today: dt.date) -> None:
    """Each declaration to its stage. Employers act in batches as the 单位 pages do: one 单位内部公示 per
    round for the finished publicity and one for the running one, then one 上报."""
    by_stage: dict[str, list[tuple[dict[str, Any], Declaration]]] = {stage: [] for stage in data.STAGES}
    for person in data.PEOPLE:
        key = person.get("account") or person["login"]
        by_stage[person["stage"]].append((person, built.declarations[key]))
    applicants = {d.pk: d.filled_by for d in built.declarations.values()}

    # 提交: every declaration past the draft.
    moving = [(p, d) for stage, rows in by_stage.items() if stage != data.DRAFT for p, d in rows]
    for _person, d in moving:
        declarations.submit_declaration(actor=applicants[d.pk], declaration_id=d.pk)

    # 单位审核: everything beyond 待单位审核 is passed with the unit's opinion.
    beyond_employer = [(p, d) for p, d in moving if p["stage"] != data.SUBMITTED]
    for person, d in beyond_employer:
        d = _fresh(d)
        reviews.employer_pass(
            actor=users[_employer_admin(person)], declaration_id=d.pk, version=d.version, opinion=OPINION
        )

    # 单位内部公示: the running one started yesterday; the others started just after the window opened.
    opened = today - dt.timedelta(days=data.OPENED_DAYS_AGO)
    past_start = opened + dt.timedelta(days=data.PAST_PUBLICITY_AFTER_OPENING)
    for starts_on, rows in (
        (today - dt.timedelta(days=1), [(p, d) for p, d in beyond_employer if p["stage"] == data.PUBLICITY]),
        (past_start, [(p, d) for p, d in beyond_employer if p["stage"] != data.PUBLICITY]),
    ):
        for (employer_key, _round_key), batch in _batches(rows).items():
            reviews.start_publicity(
                actor=users[data.EMPLOYER_ADMINS[employer_key]],
                employer_id=orgs[employer_key].pk,
                declaration_ids=[d.pk for d in batch],
                starts_on=starts_on,
                place="单位公告栏及内网",
                contact="人事科 0571-87000000",
            )
    # The daily work (manage.py run_review_jobs) ends the publicities that are over.
    reviews.end_publicities(on=today)

    # 上报材料: beyond 待上报, one batch per employer and round, with the operator's name and phone.
    forwarded = [(p, d) for p, d in beyond_employer if p["stage"] not in (data.PUBLICITY, data.READY)]
    for (employer_key, _round_key), batch in _batches(forwarded).items():
        admin = users[data.EMPLOYER_ADMINS[employer_key]]
        reviews.forward(
            actor=admin,
            employer_id=orgs[employer_key].pk,
            items=[(d.pk, _fresh(d).version) for d in batch],
            operator_name=admin.real_name,
            operator_phone="0571-87000000",
        )

    # Up the chain: each level passes until the declaration is at the desk its stage names.
    for person, d in forwarded:
        _up_the_chain(person, d, users, orgs)


def _employer_admin(person: dict[str, Any]) -> str:
    return data.EMPLOYER_ADMINS[data.ROUND_EMPLOYER[person["round"]]]


def _batches(rows: list[tuple[dict[str, Any], Declaration]]) -> dict[tuple[str, str], list[Declaration]]:
    batches: dict[tuple[str, str], list[Declaration]] = {}
    for person, d in rows:
        batches.setdefault((data.ROUND_EMPLOYER[person["round"]], person["round"]), []).append(d)
    return batches


def _reviewer_at(org: Organisation | None, orgs: dict[str, Organisation]) -> str:
    """The demo account that decides at `org`'s desk (a department level, or the 西湖区职改办)."""
    for key, username in data.DEPARTMENT_REVIEWERS.items():
        if org is not None and orgs[key].pk == org.pk:
            return username
    raise LookupError(f"演示数据中没有“{getattr(org, 'name', '')}”的审核账号")


def _up_the_chain(
    person: dict[str, Any], declaration: Declaration, users: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    stage = person["stage"]
    # Levels above the employer to pass before the declaration rests (the last level is 资格审查).
    passes = {
        data.LEVEL_1: 0,
        data.RETURNED_BY_DEPARTMENT: 0,
        data.LEVEL_2: 1,
    }.get(stage)
    d = _fresh(declaration)
    if passes is None:  # through every department level to the 杭州市职改办
        passes = len(d.chain) - 1
    for _level in range(passes):
        d = _fresh(d)
        reviews.department_pass(actor=users[_reviewer_at(d.current_org, orgs)], declaration_id=d.pk, version=d.version)
    d = _fresh(d)
    if stage == data.RETURNED_BY_DEPARTMENT:
        reason, sections = data.DEPARTMENT_RETURN
        reviews.return_declaration(
            actor=users[_reviewer_at(d.current_org, orgs)],
            declaration_id=d.pk,
            version=d.version,
            reason=reason,
            sections=sections,
        )
    elif stage == data.RETURNED_BY_OFFICE:
        reason, sections = data.OFFICE_RETURN
        reviews.return_declaration(
            actor=users[data.RETURN_REVIEWER], declaration_id=d.pk, version=d.version, reason=reason, sections=sections
        )
    elif stage == data.ACCEPTED:
        checker = users[data.QUALIFICATION_REVIEWER]
        for key, _label in reviews.check_items_of(d):
            reviews.check_item(actor=checker, declaration_id=d.pk, key=key, verified=True)
        reviews.accept(actor=checker, declaration_id=d.pk, version=_fresh(d).version)
