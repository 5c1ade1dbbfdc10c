import io

import pytest
from django.db import DatabaseError, connection, transaction
from openpyxl import load_workbook

from title_review.audit.models import AuditEvent, LoginEvent


def test_login_success_and_failure_are_logged_with_ip(client, seeded):
    client.post("/accounts/login/", {"username": "hzadmin", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"}, REMOTE_ADDR="10.1.2.3")
    events = list(LoginEvent.objects.order_by("id").values_list("event", "success", "ip"))
    assert events == [("login_failed", False, "10.1.2.3"), ("login", True, "10.1.2.3")]


def test_wrong_password_and_unknown_user_get_the_same_message(client, seeded):
    a = client.post("/accounts/login/", {"username": "hzadmin", "password": "wrong"}).content.decode()
    b = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}).content.decode()
    assert "登录名或密码不正确" in a and "登录名或密码不正确" in b


def test_auditor_reads_filters_and_exports_the_logs(login, users, orgs):
    from title_review.organisations.services import disable_organisation

    disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州第二中学"].pk, reason="测试停用")
    client = login("auditor")
    text = client.get("/audit/events/", {"action": "organisation.disable"}).content.decode()
    assert "停用机构" in text and "杭州第二中学" in text and "测试停用" in text
    assert "新增机构" not in text.split("<tbody>")[1]
    response = client.get("/audit/events/", {"action": "organisation.disable", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "机构", "操作") and rows[1][3] == "停用机构" and len(rows) == 2
    assert AuditEvent.objects.filter(action="audit.export").exists()
    assert client.get("/audit/logins/").status_code == 200


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "zjadmin", "hzadmin"])
def test_no_one_else_reads_the_logs(persona, login, seeded):
    client = login(persona)
    assert client.get("/audit/events/").status_code == 403
    assert client.get("/audit/logins/").status_code == 403


def test_every_change_writes_its_row_in_the_same_transaction(users, orgs):
    from title_review.dictionaries.selectors import region_by_code
    from title_review.organisations.services import create_organisation

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        create_organisation(
            actor=users["hzadmin"],
            parent_id=orgs["杭州市教育局"].pk,
            name="回滚单位",
            kind="employer",
            region=region_by_code("330102"),
        )
        raise RuntimeError("rolled back")
    assert AuditEvent.objects.count() == before


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.django_db
def test_postgres_refuses_update_and_delete_of_audit_rows():
    event = AuditEvent.objects.create(action="organisation.create", actor_name="x")
    LoginEvent.objects.create(username="x", event="login", success=True)
    for statement in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="tampered"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: LoginEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()
    event.refresh_from_db()
    assert event.reason == ""


def test_a_city_auditor_sees_only_its_subtree(client, users, orgs):
    from tests.personas import persona
    from title_review.organisations.services import disable_organisation

    city_auditor = persona(role="audit_admin", organisation=orgs["杭州市职称工作领导小组办公室"])
    disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州第二中学"].pk, reason="市内")
    province_event = AuditEvent.objects.filter(organisation_id=orgs["浙江省职称工作领导小组办公室"].pk)
    assert province_event.exists()
    client.force_login(city_auditor)
    page = client.get("/audit/events/")
    shown = {e.pk for e in page.context["page"].object_list}
    assert AuditEvent.objects.get(action="organisation.disable").pk in shown
    assert not shown & set(province_event.values_list("pk", flat=True))
    client.post("/accounts/login/", {"username": "zjadmin", "password": "wrong"})
    logins = client.get("/audit/logins/").context["page"].object_list
    assert all(e.username != "zjadmin" for e in logins)


def test_every_action_the_code_records_has_a_name_in_the_operation_log():
    """操作日志 names each operation in Chinese: an action code recorded anywhere without a name would show
    as a bare code (and could not be chosen in the 操作 filter)."""
    import re
    from pathlib import Path

    from title_review.audit.actions import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    recorded = {}
    for source in root.rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        for code in re.findall(r"\baction\s*=\s*\"([a-z_]+\.[a-z_.]+)\"", source.read_text(encoding="utf-8")):
            recorded[code] = source.relative_to(root)
    assert len(recorded) > 50
    unnamed = {code: str(path) for code, path in recorded.items() if code not in ACTION_LABELS}
    assert not unnamed, unnamed
