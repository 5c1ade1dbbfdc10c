"""The review chain through its services: routing, publicity, forwarding, levels, returns, acceptance."""

import datetime as dt

import pytest
from django.http import Http404

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError
from title_review.declarations import services as declarations
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews import services
from title_review.reviews.routing import chain_for

from .factories import submit_for

OPINION = "经审核，材料真实，同意推荐。"


def _refresh(declaration):
    return Declaration.objects.get(pk=declaration.pk)


def to_ready(users, declaration, starts_on=dt.date(2026, 9, 30)):
    """Employer passes, publicises from `starts_on` (long over by now) and the publicity ends."""
    school = users["schooladmin"]
    d = services.employer_pass(
        actor=school, declaration_id=declaration.pk, version=declaration.version, opinion=OPINION
    )
    services.start_publicity(
        actor=school, employer_id=d.employer_id, declaration_ids=[d.pk], starts_on=starts_on, place="公告栏"
    )
    return _refresh(d)


def forward(users, declaration):
    d = _refresh(declaration)
    services.forward(
        actor=users["schooladmin"],
        employer_id=d.employer_id,
        items=[(d.pk, d.version)],
        operator_name="卫学校",
        operator_phone="0571-88888888",
    )
    return _refresh(d)


def test_the_chain_follows_the_tree_up_to_the_accepting_office(users, orgs, submitted):
    names = [o.name for o in chain_for(submitted)]
    assert names == ["杭州市教育局直属学校管理中心", "杭州市教育局", "杭州市职称工作领导小组办公室"]
    hospital = submit_for(users["applicant"], submitted.round)
    assert [o.name for o in chain_for(hospital)] == ["杭州市卫生健康委员会", "杭州市职称工作领导小组办公室"]


def test_a_round_can_mark_a_level_as_pass_through(users, orgs, submitted):
    submitted.round.pass_through = [orgs["杭州市教育局直属学校管理中心"].pk]
    submitted.round.save()
    assert [o.name for o in chain_for(_refresh(submitted))] == ["杭州市教育局", "杭州市职称工作领导小组办公室"]


def test_publicity_counts_working_days_across_national_day(users, submitted):
    d = to_ready(users, submitted)
    assert d.status == Status.IN_PUBLICITY
    assert d.publicity.ends_on == dt.date(2026, 10, 12)  # 9/30, 10/8, 10/9, 10/10 (调休), 10/12
    assert d.publicity.working_days == 5


def test_no_forwarding_during_publicity_or_with_an_open_objection(users, submitted, monkeypatch):
    d = to_ready(users, submitted)
    monkeypatch.setattr(services.desk, "today", lambda: dt.date(2026, 10, 12))
    with pytest.raises(DomainError, match="公示尚未结束（截止 2026-10-12）"):
        forward(users, d)
    assert _refresh(d).status == Status.IN_PUBLICITY
    objection = services.record_objection(
        actor=users["schooladmin"], declaration_id=d.pk, received_on=dt.date(2026, 10, 9), content="论文存疑"
    )
    monkeypatch.setattr(services.desk, "today", lambda: dt.date(2026, 10, 13))
    with pytest.raises(DomainError, match="异议尚未处理完毕"):
        forward(users, d)
    services.handle_objection(
        actor=users["schooladmin"], objection_id=objection.pk, upheld=False, handling="经核实，论文真实"
    )
    d = forward(users, d)
    assert d.status == Status.IN_REVIEW
    assert d.current_org.name == "杭州市教育局直属学校管理中心"
    assert d.forward_contact == {"name": "卫学校", "phone": "0571-88888888"}


def test_an_upheld_objection_ends_the_recommendation(users, submitted):
    d = to_ready(users, submitted)
    objection = services.record_objection(
        actor=users["schooladmin"], declaration_id=d.pk, received_on=dt.date(2026, 10, 9), content="业绩造假"
    )
    services.handle_objection(actor=users["schooladmin"], objection_id=objection.pk, upheld=True, handling="查实")
    assert _refresh(d).status == Status.WITHDRAWN


def test_the_whole_chain_with_a_return_at_level_two(users, orgs, submitted):
    d = forward(users, to_ready(users, submitted))
    services.department_pass(actor=users["zsadmin"], declaration_id=d.pk, version=d.version)
    d = _refresh(d)
    assert d.current_org.name == "杭州市教育局" and d.status == Status.IN_REVIEW
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.return_declaration(actor=users["jyjadmin"], declaration_id=d.pk, version=d.version, reason=" ")
    services.return_declaration(
        actor=users["jyjadmin"],
        declaration_id=d.pk,
        version=d.version,
        reason="继续教育学时证明不清晰",
        sections=["继续教育", "附件"],
    )
    d = _refresh(d)
    assert d.status == Status.RETURNED and d.current_org is None
    record = d.records.order_by("-pk").first()
    assert (record.level, record.organisation.name, record.reason, record.sections) == (
        "主管部门",
        "杭州市教育局",
        "继续教育学时证明不清晰",
        ["继续教育", "附件"],
    )
    assert AuditEvent.objects.filter(action="declaration.return", object_id=str(d.pk)).exists()
    # Resubmitted: back to the employer; passed again without a second publicity; then level 1 again.
    declarations.submit_declaration(actor=users["teacher"], declaration_id=d.pk)
    d = _refresh(d)
    assert d.status == Status.WITH_EMPLOYER
    services.employer_pass(actor=users["schooladmin"], declaration_id=d.pk, version=d.version, opinion=OPINION)
    d = forward(users, _refresh(d))
    assert d.current_org.name == "杭州市教育局直属学校管理中心"
    services.department_pass(actor=users["zsadmin"], declaration_id=d.pk, version=d.version)
    d = _refresh(d)
    services.department_pass(actor=users["jyjadmin"], declaration_id=d.pk, version=d.version)
    d = _refresh(d)
    assert d.status == Status.QUALIFICATION_CHECK and d.current_org.name == "杭州市职称工作领导小组办公室"
    with pytest.raises(DomainError, match="项未审查"):
        services.accept(actor=users["hzcheck"], declaration_id=d.pk, version=d.version)
    for key, _label in services.check_items_of(d):
        services.check_item(actor=users["hzcheck"], declaration_id=d.pk, key=key, verified=True)
    services.accept(actor=users["hzcheck"], declaration_id=d.pk, version=_refresh(d).version)
    d = _refresh(d)
    assert d.status == Status.ACCEPTED
    actions = list(d.records.values_list("action", flat=True))
    assert actions == [
        "submit",
        "pass_employer",
        "publicise",
        "end_publicity",
        "forward",
        "pass",
        "return",
        "submit",
        "pass_publicised",
        "forward",
        "pass",
        "pass_to_office",
        "accept",
    ]


def test_stale_versions_skipped_levels_and_foreign_scopes_are_refused(users, submitted):
    d = forward(users, to_ready(users, submitted))
    # Level 2 cannot decide while it is at level 1 (an API call that skips a level).
    with pytest.raises(DomainError, match="不在您的审核环节"):
        services.department_pass(actor=users["jyjadmin"], declaration_id=d.pk, version=d.version)
    # Another department's reviewer does not even learn it exists.
    with pytest.raises(Http404):
        services.department_pass(actor=users["wjwreview"], declaration_id=d.pk, version=d.version)
    services.department_pass(actor=users["zsadmin"], declaration_id=d.pk, version=d.version)
    with pytest.raises(DomainError, match="已被他人处理"):
        services.department_pass(actor=users["zsadmin"], declaration_id=d.pk, version=d.version)
    assert _refresh(d).records.filter(action="pass").count() == 1


def test_title_office_roles_are_separate(users, submitted):
    d = forward(users, to_ready(users, submitted))
    for reviewer in ("zsadmin", "jyjadmin"):
        d = _refresh(d)
        services.department_pass(actor=users[reviewer], declaration_id=d.pk, version=d.version)
    d = _refresh(d)
    with pytest.raises(DomainError):  # 资格审查经办 does not return; 退回审查 does
        services.return_declaration(actor=users["hzcheck"], declaration_id=d.pk, version=d.version, reason="x")
    with pytest.raises(DomainError):
        services.accept(actor=users["hzreturn"], declaration_id=d.pk, version=d.version)
    with pytest.raises(DomainError, match="政策依据"):
        services.reject(actor=users["hzcheck"], declaration_id=d.pk, version=d.version, reason="学历不符", basis="")
    services.reject(
        actor=users["hzcheck"], declaration_id=d.pk, version=d.version, reason="学历不符", basis="人社部发〔2019〕16号"
    )
    assert _refresh(d).status == Status.REJECTED


def test_changing_the_competent_department_brings_forwarded_declarations_back(users, orgs, submitted):
    from title_review.organisations.employers import move_employer

    d = forward(users, to_ready(users, submitted))
    other = submit_for(users["applicant"], submitted.round)  # the hospital's declaration is not touched
    move_employer(
        actor=users["schooladmin"], employer_id=d.employer_id, new_parent_id=orgs["杭州市教育局"].pk, reason="划转"
    )
    d = _refresh(d)
    assert d.status == Status.READY_TO_FORWARD and d.current_org_id == d.employer_id
    assert d.records.order_by("-pk").first().action == "recall"
    assert _refresh(other).status == Status.WITH_EMPLOYER
    # Forwarded again, the new chain starts at 市教育局.
    d = forward(users, d)
    assert d.current_org.name == "杭州市教育局"


def test_correction_notice_deadline_reminder_and_expiry(users, submitted, monkeypatch):
    from title_review.notifications.models import Message

    d = forward(users, to_ready(users, submitted))
    monkeypatch.setattr(services.desk, "today", lambda: dt.date(2026, 11, 27))  # a Friday
    services.return_declaration(
        actor=users["zsadmin"],
        declaration_id=d.pk,
        version=d.version,
        reason="材料不全",
        correction_days=3,
        correction_items=["补充2025年度考核表", "补充学历证书扫描件"],
    )
    d = _refresh(d)
    assert d.correction_deadline == dt.date(2026, 12, 2)  # Mon 30, Tue 1, Wed 2
    assert Message.objects.filter(recipient=users["teacher"], category="return").exists()
    assert services.remind_corrections(on=dt.date(2026, 11, 27)) == 0
    assert services.remind_corrections(on=dt.date(2026, 11, 30)) == 1
    assert services.remind_corrections(on=dt.date(2026, 12, 1)) == 0  # once only
    assert services.expire_corrections(on=dt.date(2026, 12, 2)) == 0
    assert services.expire_corrections(on=dt.date(2026, 12, 3)) == 1
    d = _refresh(d)
    assert d.status == Status.WITHDRAWN
    assert d.records.order_by("-pk").first().level == "系统"


def test_required_internal_opinions_come_before_the_employer_passes(users, orgs, submitted):
    from title_review.organisations.employers import create_sub_account

    school = orgs["杭州第二中学"]
    services.set_required_slots(actor=users["schooladmin"], employer_id=school.pk, slots=["opinion_ethics"])
    with pytest.raises(DomainError, match="师德"):
        services.employer_pass(
            actor=users["schooladmin"], declaration_id=submitted.pk, version=submitted.version, opinion=OPINION
        )
    clerk, _password = create_sub_account(
        actor=users["schooladmin"], employer_id=school.pk, username="shide", real_name="师德组", permissions=["view"]
    )
    with pytest.raises(DomainError, match="没有填写“师德”意见的权限"):
        services.give_internal_opinion(
            actor=clerk, declaration_id=submitted.pk, slot="opinion_ethics", agrees=True, opinion="好"
        )
    clerk.permissions = ["view", "opinion_ethics"]
    clerk.save()
    services.give_internal_opinion(
        actor=clerk, declaration_id=submitted.pk, slot="opinion_ethics", agrees=True, opinion="师德良好"
    )
    d = services.employer_pass(
        actor=users["schooladmin"], declaration_id=submitted.pk, version=_refresh(submitted).version, opinion=OPINION
    )
    assert d.status == Status.EMPLOYER_PASSED
