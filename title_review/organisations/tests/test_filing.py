"""个人申报账号 (工作账号管理): issued by the unit, signed in by its holder, one person behind every account."""

import pytest
from django.urls import reverse

from tests.personas import identity_number
from title_review.accounts.models import AccountKind, User
from title_review.accounts.services import AGREEMENT_VERSION, register_person
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError
from title_review.declarations import services as declarations
from title_review.declarations.models import PLEDGE_VERSION, Declaration
from title_review.organisations import filing
from title_review.reviews.tests.conftest import review_round  # noqa: F401 — a fixture

pytestmark = pytest.mark.django_db

NEW_PERSON = identity_number(701)


def _hospital(users):
    return users["hospitaladmin"].organisation


def test_a_batch_is_named_after_the_unit_and_each_gets_a_one_time_password(users):
    pairs = filing.batch_create_filing_accounts(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        count=5,
        permissions=["declare", "change_password"],
    )
    names = [u.username for u, _ in pairs]
    assert names == [f"hospitaladmin{i}" for i in range(1, 6)]
    assert all(u.kind == AccountKind.FILING and u.must_change_password and u.check_password(p) for u, p in pairs)
    assert len({p for _, p in pairs}) == 5
    # The next batch continues after the names taken.
    (more,) = filing.batch_create_filing_accounts(
        actor=users["hospitaladmin"], employer_id=_hospital(users).pk, count=1, permissions=["declare"]
    )
    assert more[0].username == "hospitaladmin6"
    assert AuditEvent.objects.filter(action="account.create", organisation_id=_hospital(users).pk).count() == 2


@pytest.mark.parametrize("count", [0, 201, -3])
def test_a_batch_of_nothing_or_too_many_is_refused(users, count):
    before = User.objects.count()
    with pytest.raises(DomainError, match="1 到 200"):
        filing.batch_create_filing_accounts(
            actor=users["hospitaladmin"], employer_id=_hospital(users).pk, count=count, permissions=["declare"]
        )
    assert User.objects.count() == before


def test_another_units_administrator_cannot_touch_the_accounts(users):
    ((account, _),) = filing.batch_create_filing_accounts(
        actor=users["hospitaladmin"], employer_id=_hospital(users).pk, count=1, permissions=["declare"]
    )
    for action in (
        lambda a: filing.reset_filing_password(actor=a, user_id=account.pk),
        lambda a: filing.set_filing_account_active(actor=a, user_id=account.pk, active=False),
        lambda a: filing.delete_filing_account(actor=a, user_id=account.pk),
    ):
        with pytest.raises(DomainError, match="没有这个个人申报账号"):
            action(users["schooladmin"])
    assert User.objects.get(pk=account.pk).is_active


def test_the_holder_signs_in_names_themselves_and_files_under_the_unit(client, users, review_round):  # noqa: F811
    ((account, password),) = filing.batch_create_filing_accounts(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        count=1,
        permissions=["declare", "change_password"],
    )
    assert client.login(username=account.username, password=password)
    assert client.get(reverse("system:home"))["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password": "Filer@2026x", "new_password_confirm": "Filer@2026x"},
    )
    assert client.get(reverse("system:home"))["Location"] == reverse("accounts:complete_identity")
    response = client.post(
        reverse("accounts:complete_identity"), {"real_name": "新申报", "id_type": "01", "id_number": NEW_PERSON}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    person = account.person
    assert person.kind == AccountKind.PERSONAL and person.id_number == NEW_PERSON and not person.has_usable_password()
    declaration = declarations.start_declaration(actor=account, round_id=review_round.pk, pledge_version=PLEDGE_VERSION)
    assert declaration.applicant_id == person.pk and declaration.employer_id == _hospital(users).pk
    assert declaration.filled_by_id == account.pk
    mine = client.get(reverse("declarations:mine")).content.decode()
    assert review_round.title in mine


def test_a_holder_may_not_take_someone_elses_registered_identity(users):
    ((account, _),) = filing.batch_create_filing_accounts(
        actor=users["hospitaladmin"], employer_id=_hospital(users).pk, count=1, permissions=["declare"]
    )
    from title_review.accounts.services import complete_identity

    with pytest.raises(DomainError, match="已注册过个人账号"):
        complete_identity(user=account, real_name="韩申报", id_type="01", id_number=users["applicant"].id_number)
    with pytest.raises(DomainError, match="姓名不符"):
        complete_identity(user=account, real_name="别人", id_type="01", id_number=users["applicant"].id_number)
    assert User.objects.get(pk=account.pk).person_id is None


def test_one_person_is_one_applicant_whichever_account_they_use(users, review_round):  # noqa: F811
    applicant = users["applicant"]
    mine = declarations.start_declaration(actor=applicant, round_id=review_round.pk, pledge_version=PLEDGE_VERSION)
    account, _ = filing.create_filing_account(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        username="hanfiler",
        permissions=["declare"],
        real_name=applicant.real_name,
        id_number=applicant.id_number,
    )
    assert account.person_id == applicant.pk  # linked, not a second applicant
    with pytest.raises(DomainError, match="已在该评审活动中申报"):
        declarations.start_declaration(actor=account, round_id=review_round.pk, pledge_version=PLEDGE_VERSION)
    from title_review.access.declarations import Purpose, policy

    assert policy.allows(account, mine, Purpose.FILL)  # the same declaration, from either account
    # A second account for the same person at the same unit is refused.
    with pytest.raises(DomainError, match="一人只设一个申报账号"):
        filing.create_filing_account(
            actor=users["hospitaladmin"],
            employer_id=_hospital(users).pk,
            username="hanfiler2",
            permissions=["declare"],
            real_name=applicant.real_name,
            id_number=applicant.id_number,
        )
    assert not User.objects.filter(username="hanfiler2").exists()


def test_registering_later_claims_the_person_the_unit_named(users, monkeypatch):
    account, _ = filing.create_filing_account(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        username="laterfiler",
        permissions=["declare"],
        real_name="后注册",
        id_number=NEW_PERSON,
    )
    monkeypatch.setattr("title_review.accounts.services.verify_sms_code", lambda **kwargs: None)
    person = register_person(
        real_name="后注册",
        id_type="01",
        id_number=NEW_PERSON,
        phone="13911112222",
        sms_code="123456",
        password="Later@2026x",
        agreement_version=AGREEMENT_VERSION,
    )
    assert person.pk == account.person_id and person.check_password("Later@2026x")
    assert User.objects.filter(id_number=NEW_PERSON).count() == 1


def test_without_the_tick_the_holder_cannot_file(users, review_round):  # noqa: F811
    account, _ = filing.create_filing_account(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        username="viewonly1",
        permissions=["change_password"],
        real_name="无权限",
        id_number=NEW_PERSON,
    )
    with pytest.raises(DomainError, match="填写申报材料"):
        declarations.start_declaration(actor=account, round_id=review_round.pk, pledge_version=PLEDGE_VERSION)


def test_delete_is_refused_once_the_account_has_records_and_disable_and_reset_act_at_once(client, users, review_round):  # noqa: F811
    account, password = filing.create_filing_account(
        actor=users["hospitaladmin"],
        employer_id=_hospital(users).pk,
        username="recfiler1",
        permissions=["declare"],
        real_name="有记录",
        id_number=NEW_PERSON,
    )
    declarations.start_declaration(actor=account, round_id=review_round.pk, pledge_version=PLEDGE_VERSION)
    with pytest.raises(DomainError, match="不能删除"):
        filing.delete_filing_account(actor=users["hospitaladmin"], user_id=account.pk)
    assert client.login(username="recfiler1", password=password)
    _, new_password = filing.reset_filing_password(actor=users["hospitaladmin"], user_id=account.pk)
    assert client.get(reverse("system:home")).status_code == 302  # the open session ended
    assert not client.login(username="recfiler1", password=password)
    assert client.login(username="recfiler1", password=new_password)
    filing.set_filing_account_active(actor=users["hospitaladmin"], user_id=account.pk, active=False)
    assert not client.login(username="recfiler1", password=new_password)
    assert Declaration.objects.filter(filled_by=account).exists()


def test_the_page_batches_shows_passwords_once_and_reviews_join_requests(login, users, django_assert_max_num_queries):
    client = login("hospitaladmin")
    url = reverse("organisations:filing_accounts")
    response = client.post(url, {"action": "batch", "batch-count": "3", "batch-permissions": ["declare"]})
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert text.count('data-testid="created-password"') == 3 and "hospitaladmin3" in text
    assert 'data-testid="created-password"' not in client.get(url).content.decode()
    bad = client.post(url, {"action": "batch", "batch-count": "0", "batch-permissions": ["declare"]})
    assert "新增数量须在 1 到 200 之间" in bad.content.decode()
    # Someone registered personally and asked to join the hospital.
    teacher = users["teacher"]
    filing.request_to_join(person=teacher, employer_id=_hospital(users).pk)
    with django_assert_max_num_queries(20):
        text = client.get(url).content.decode()
    assert "待审核" in text and teacher.real_name in text and teacher.id_number not in text
    client.post(url, {"action": "approve", "user": teacher.pk})
    teacher.refresh_from_db()
    assert teacher.organisation_id == _hospital(users).pk and teacher.requested_unit_id is None
    assert AuditEvent.objects.filter(action="account.join_approve", object_id=str(teacher.pk)).exists()
    assert login("schooladmin").get(url).content.decode().count("hospitaladmin1") == 0


def test_a_person_asks_to_join_a_unit_by_its_credit_code(login, users):
    hospital = _hospital(users)
    hospital.credit_code = "12330100470116614F"
    hospital.save(update_fields=["credit_code"])
    client = login("teacher")
    missing = client.post(reverse("organisations:join_unit"), {"credit_code": "91330106MA2B00002X"})
    assert "没有找到该统一社会信用代码的单位" in missing.content.decode()
    assert User.objects.get(pk=users["teacher"].pk).requested_unit_id is None
    response = client.post(reverse("organisations:join_unit"), {"credit_code": hospital.credit_code.lower()})
    assert response.status_code == 302
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f"已申请加入“{hospital.name}”，待单位审核" in profile
    # Staff accounts have no such page.
    assert login("hzcheck").get(reverse("organisations:join_unit")).status_code in (403, 404)
