import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed
from title_review.dictionaries import codeset, services
from title_review.dictionaries.models import Entry
from title_review.dictionaries.selectors import region_choices


def test_seed_has_both_provinces_down_to_county(seeded):
    regions = {e.code: e for e in Entry.objects.filter(type__code="region").select_related("parent")}
    assert regions["330106"].name == "西湖区" and regions["330106"].parent.code == "330100"
    assert regions["360102"].name == "东湖区" and regions["360100"].parent.code == "360000"
    assert regions["330113"].name == "临平区"
    assert sum(1 for c in regions if c.startswith("36") and not c.endswith("00")) > 90


def test_city_account_can_read_but_not_change(login, seeded):
    client = login("hzadmin")
    assert client.get("/dictionaries/types/region/").status_code == 200
    response = client.post("/dictionaries/types/region/", {"code": "339999", "name": "新区"}, follow=True)
    assert "字典由省级统一维护" in response.content.decode()
    assert not Entry.objects.filter(code="339999").exists()
    entry = Entry.objects.get(type__code="region", code="330106")
    assert client.post(f"/dictionaries/entries/{entry.pk}/toggle/", {"active": "0"}).status_code == 404
    assert client.get("/dictionaries/import/").status_code == 403
    entry.refresh_from_db()
    assert entry.is_active


def test_service_refuses_a_city_account(users, seeded):
    entry = Entry.objects.get(type__code="region", code="330106")
    with pytest.raises(NotAllowed, match="省级统一维护"):
        services.set_entry_active(actor=users["hzadmin"], entry_id=entry.pk, active=False)


def test_disabled_entry_leaves_pick_lists_but_stays_on_old_records(users, orgs):
    xihu = Entry.objects.get(type__code="region", code="330106")
    services.set_entry_active(actor=users["zjadmin"], entry_id=xihu.pk, active=False)
    assert xihu not in region_choices()
    company = orgs["杭州西湖数智科技有限公司"]
    company.refresh_from_db()
    assert company.region.name == "西湖区"
    assert AuditEvent.objects.filter(action="dictionary.entry_disable", object_id=str(xihu.pk)).exists()


def test_entries_are_never_deleted_and_codes_never_reused(users, seeded):
    with pytest.raises(DomainError, match="代码不能重复使用"):
        services.create_entry(
            actor=users["zjadmin"], type_id=Entry.objects.get(code="330106").type_id, code="330106", name="重复"
        )


def test_codeset_round_trip_applies_exactly_the_diff(users, seeded):
    document = json.loads(codeset.export_json())
    assert codeset.diff(document) == []
    region = next(t for t in document["types"] if t["code"] == "region")
    entries = {e["code"]: e for e in region["entries"]}
    entries["330106"]["name"] = "西湖区（更名）"
    region["entries"].append(
        {"code": "330199", "name": "测试新区", "parent": "330100", "active": True, "sort": 999, "attributes": {}}
    )
    region["entries"] = [e for e in region["entries"] if e["code"] != "330108"]
    before = {e.code: (e.name, e.is_active) for e in Entry.objects.all()}
    changes = codeset.diff(document)
    assert [(c.code, len(c.added), len(c.changed), len(c.disabled)) for c in changes] == [("region", 1, 1, 1)]
    services.apply_codeset(actor=users["zjadmin"], document=document)
    after = {e.code: (e.name, e.is_active) for e in Entry.objects.all()}
    differing = {code for code in after if before.get(code) != after[code]}
    assert differing == {"330106", "330108", "330199"}
    assert after["330108"] == ("滨江区", False)
    assert codeset.diff(document) == []


def test_excel_round_trip_through_the_pages(login, seeded):
    client = login("zjadmin")
    content = client.get("/dictionaries/export.xlsx").content
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[3].value == "360102":
            row[4].value = "东湖区（改）"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = client.post("/dictionaries/import/", {"file": SimpleUploadedFile("codes.xlsx", buffer.getvalue())})
    text = response.content.decode()
    assert "差异预览" in text and "东湖区（改）" in text
    assert Entry.objects.get(code="360102").name == "东湖区"  # nothing applied by the preview
    response = client.post("/dictionaries/import/", {"token": response.context["token"]}, follow=True)
    assert "修改 1 条" in response.content.decode()
    assert Entry.objects.get(code="360102").name == "东湖区（改）"


def test_bad_codeset_files_are_refused_in_chinese(login, seeded):
    client = login("zjadmin")
    for name, body, message in [
        ("x.txt", b"hello", "文件类型不正确"),
        ("x.json", b"{not json", "无法解析"),
        ("x.json", json.dumps({"format": "other"}).encode(), "不是本系统的代码文件"),
        (
            "x.json",
            json.dumps(
                {
                    "format": "title-review-codeset",
                    "types": [
                        {
                            "code": "region",
                            "name": "行政区划",
                            "parent_type": "region",
                            "entries": [{"code": "1", "name": "a", "parent": "nope"}],
                        }
                    ],
                }
            ).encode(),
            "上级代码",
        ),
    ]:
        response = client.post("/dictionaries/import/", {"file": SimpleUploadedFile(name, body)})
        assert message in response.content.decode(), name
