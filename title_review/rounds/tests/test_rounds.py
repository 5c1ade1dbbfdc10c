import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from title_review.core.errors import DomainError
from title_review.dictionaries.models import Entry
from title_review.rounds import services
from title_review.rounds.models import Round, RoundStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _entry(type_code, name):
    return Entry.objects.get(type__code=type_code, name=name)


@pytest.fixture
def teacher_round(users, orgs):
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = _entry("series", "中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = services.create_committee(
        actor=users["hzadmin"],
        host=hz,
        name="杭州市中小学教师高级职务评审委员会",
        series=series,
        levels=levels,
        specialties=[],
    )
    round_ = services.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="2026年度杭州市中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime(2026, 12, 20, 17, 0, tzinfo=SHANGHAI),
    )
    math = Entry.objects.filter(type__code="specialty", parent=series, name="数学").values_list("code", flat=True)
    services.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={
            "levels": levels,
            "specialties": list(math),
            "routes": ["01", "02"],
            "series_section": "teacher",
            "notice": "请于截止时间前完成网上申报。",
        },
        scope=[orgs["杭州市教育局"]],
    )
    return Round.objects.get(pk=round_.pk)


def test_round_qualifications_follow_series_and_levels(teacher_round):
    names = set(
        Entry.objects.filter(type__code="qualification", code__in=teacher_round.qualifications).values_list(
            "name", flat=True
        )
    )
    assert names == {"一级教师", "高级教师"}


def test_publishing_locks_what_declarations_depend_on(users, orgs, teacher_round):
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    with pytest.raises(DomainError, match="不能再修改.*申报级别"):
        services.update_round(actor=users["hzadmin"], round_id=teacher_round.pk, changes={"levels": ["1"]})
    with pytest.raises(DomainError, match="受理范围"):
        services.update_round(
            actor=users["hzadmin"], round_id=teacher_round.pk, changes={}, scope=[orgs["杭州市卫生健康委员会"]]
        )
    later = teacher_round.closes_at + dt.timedelta(days=3)
    services.update_round(actor=users["hzadmin"], round_id=teacher_round.pk, changes={"closes_at": later})
    assert Round.objects.get(pk=teacher_round.pk).closes_at == later


def test_window_is_exact_to_the_second_in_shanghai_time(users, orgs, teacher_round):
    with _Now(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
        services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    school = orgs["杭州第二中学"]
    close = dt.datetime(2026, 12, 20, 17, 0, 0, tzinfo=SHANGHAI)
    assert (
        services.accepts(
            teacher_round.__class__.objects.get(pk=teacher_round.pk), school, at=close - dt.timedelta(seconds=1)
        )
        == ""
    )
    refusal = services.accepts(Round.objects.get(pk=teacher_round.pk), school, at=close)
    assert "申报已截止" in refusal and "2026-12-20 17:00:00" in refusal


def test_scope_is_a_subtree(users, orgs, teacher_round):
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    round_ = Round.objects.get(pk=teacher_round.pk)
    at = dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert services.accepts(round_, orgs["杭州第二中学"], at=at) == ""
    assert "受理范围" in services.accepts(round_, orgs["杭州市第一人民医院"], at=at)


def test_round_rules(users, orgs, teacher_round):
    with pytest.raises(DomainError, match="截止时间须晚于"):
        services.update_round(
            actor=users["hzadmin"], round_id=teacher_round.pk, changes={"closes_at": teacher_round.opens_at}
        )
    with pytest.raises(DomainError, match="不能评审这些级别.*正高级"):
        services.update_round(actor=users["hzadmin"], round_id=teacher_round.pk, changes={"levels": ["1"]})
    with pytest.raises(DomainError, match="管辖范围"):
        services.update_round(
            actor=users["hzadmin"], round_id=teacher_round.pk, changes={}, scope=[orgs["浙江省职称工作领导小组办公室"]]
        )


def test_pages_find_rounds_and_show_notice_specialties_scope(login, teacher_round, users):
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    client = login("applicant")
    text = client.get("/rounds/", {"keyword": "中小学", "year": 2026}).content.decode()
    assert "2026年度杭州市中小学教师职称评审" in text
    assert "中小学教师" not in client.get("/rounds/", {"year": 2025}).content.decode().split("<tbody>")[1]
    text = client.get(f"/rounds/{teacher_round.pk}/").content.decode()
    assert "请于截止时间前完成网上申报" in text and "数学" in text and "杭州市教育局 及其下级单位" in text


def test_drafts_are_seen_only_by_their_managers(login, teacher_round):
    assert login("applicant").get(f"/rounds/{teacher_round.pk}/").status_code == 404
    assert login("wjwadmin").get(f"/rounds/{teacher_round.pk}/").status_code == 404
    assert login("hzadmin").get(f"/rounds/{teacher_round.pk}/").status_code == 200
    assert login("zjadmin").get(f"/rounds/{teacher_round.pk}/edit/").status_code == 200
    assert login("applicant").get(f"/rounds/{teacher_round.pk}/edit/").status_code == 404


def test_publish_through_the_page_is_audited(login, teacher_round):
    from title_review.audit.models import AuditEvent

    response = login("hzadmin").post(f"/rounds/{teacher_round.pk}/publish/", follow=True)
    assert "已发布" in response.content.decode()
    assert Round.objects.get(pk=teacher_round.pk).status == RoundStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="round.publish", object_id=str(teacher_round.pk)).exists()


def test_round_list_query_count_is_bounded(login, teacher_round, users, django_assert_max_num_queries):
    client = login("applicant")
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    with django_assert_max_num_queries(11) as first:
        client.get("/rounds/")
    baseline = len(first.captured_queries)  # read now: the query log is a bounded deque
    for i in range(15):
        r = Round.objects.get(pk=teacher_round.pk)
        r.pk = None
        r.title = f"复制活动{i}"
        r.save()
    with django_assert_max_num_queries(baseline):
        client.get("/rounds/")


class _Now:
    def __init__(self, moment):
        from unittest import mock

        self._patch = mock.patch("django.utils.timezone.now", return_value=moment)

    def __enter__(self):
        self._patch.start()

    def __exit__(self, *exc):
        self._patch.stop()


def test_new_edit_publish_through_the_pages(login, orgs):
    client = login("hzadmin")
    series = _entry("series", "工程技术人员")
    response = client.post(
        "/rounds/new/",
        {
            "title": "2026年度杭州市工程技术中级职称评审",
            "year": 2026,
            "kind": "review",
            "publisher": orgs["杭州市职称工作领导小组办公室"].pk,
            "committee": "",
            "series": series.pk,
            "opens_at": "2026-11-01T09:00:00",
            "closes_at": "2030-12-20T17:00:00",
        },
    )
    round_ = Round.objects.get(title="2026年度杭州市工程技术中级职称评审")
    assert response.url == f"/rounds/{round_.pk}/edit/"
    assert round_.closes_at == dt.datetime(2030, 12, 20, 17, 0, tzinfo=SHANGHAI)
    middle = Entry.objects.get(type__code="level", name="中级").code
    response = client.post(
        f"/rounds/{round_.pk}/edit/",
        {
            "closes_at": "2030-12-20T17:00:00",
            "levels": [middle],
            "routes": ["01"],
            "scope": [orgs["杭州市卫生健康委员会"].pk],
            "precheck_mode": "block",
            "notice": "工程系列",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        f"/rounds/{round_.pk}/edit/",
        {
            "closes_at": "2030-12-20T16:00:00",
            "levels": [middle],
            "routes": ["01"],
            "scope": [orgs["杭州市卫生健康委员会"].pk],
            "precheck_mode": "block",
        },
    )
    round_.refresh_from_db()
    assert round_.qualifications and round_.precheck_mode == "block"
    client.post(f"/rounds/{round_.pk}/publish/")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    bad = client.post(
        f"/rounds/{round_.pk}/edit/",
        {
            "closes_at": "2020-01-01T00:00:00",
            "precheck_mode": "warn",
            "levels": [middle],
            "routes": ["01"],
            "scope": [orgs["杭州市卫生健康委员会"].pk],
        },
    )
    assert "截止时间须晚于" in bad.content.decode()


def test_rounds_through_the_api(login, users, teacher_round):
    assert login("applicant").get(f"/api/v1/rounds/{teacher_round.pk}/").status_code == 404  # a draft
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    data = login("applicant").get("/api/v1/rounds/", {"keyword": "中小学", "year": 2026}).json()
    assert [r["title"] for r in data["results"]] == ["2026年度杭州市中小学教师职称评审"]
    detail = login("applicant").get(f"/api/v1/rounds/{teacher_round.pk}/").json()
    assert detail["routes"] == ["01", "02"] and len(detail["scope"]) == 1


def test_notice_attachments_are_seen_with_the_round(login, users, teacher_round):
    import io

    from title_review.attachments.services import upload_attachment
    from title_review.attachments.tests.helpers import PDF

    upload = io.BytesIO(PDF)
    upload.name = "评审通知.pdf"
    upload.size = len(upload.getvalue())
    attachment = upload_attachment(
        actor=users["hzadmin"], owner=users["hzadmin"], kind="notice", upload=upload, target=teacher_round
    )
    assert login("applicant").get(f"/attachments/{attachment.pk}/download/").status_code == 404  # still a draft
    services.publish_round(actor=users["hzadmin"], round_id=teacher_round.pk)
    client = login("applicant")
    assert "评审通知.pdf" in client.get(f"/rounds/{teacher_round.pk}/").content.decode()
    response = client.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
