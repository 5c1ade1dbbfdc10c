"""Role × endpoint matrix: inside the scope a user sees the object, outside it gets 404.

Later capabilities add their endpoints to ENDPOINTS (and personas to the demo data).
"""

import pytest

# (url template, organisation the object belongs to)
ENDPOINTS = [
    "/organisations/{pk}/",
    "/organisations/{pk}/children/new/",
    "/api/v1/organisations/{pk}/",
]

# persona -> organisations (by name) it must see; every other demo organisation must be 404.
SCOPES = {
    "zjadmin": "ALL",
    "sysadmin": "ALL",
    "hzadmin": {
        "杭州市职称工作领导小组办公室",
        "西湖区职称工作领导小组办公室",
        "杭州市卫生健康委员会",
        "杭州市教育局",
        "杭州市教育局直属学校管理中心",
        "杭州市第一人民医院",
        "杭州第二中学",
        "杭州西湖数智科技有限公司",
        "杭州市人才服务局",
    },
    "xhadmin": {"西湖区职称工作领导小组办公室", "杭州西湖数智科技有限公司"},
    "wjwadmin": {"杭州市卫生健康委员会", "杭州市第一人民医院"},
    "jyjadmin": {"杭州市教育局", "杭州市教育局直属学校管理中心", "杭州第二中学"},
    "hospitaladmin": {"杭州市第一人民医院"},
    "schooladmin": {"杭州第二中学"},
    "auditor": set(),
    "applicant": set(),
}


@pytest.mark.parametrize("persona", sorted(SCOPES))
def test_organisation_endpoints_are_scoped(persona, login, orgs):
    client = login(persona)
    allowed = set(orgs) if SCOPES[persona] == "ALL" else SCOPES[persona]
    for name, org in orgs.items():
        for template in ENDPOINTS:
            url = template.format(pk=org.pk)
            status = client.get(url).status_code
            if name not in allowed:
                # No hint that the object exists: the same 404 as for a made-up id.
                assert status == 404, (persona, name, url, status)
            elif "children/new" in url:
                assert status in (200, 404), (persona, url, status)
            else:
                assert status == 200, (persona, name, url, status)


def test_employer_admin_cannot_open_a_sibling_employer(login, orgs):
    client = login("hospitaladmin")
    response = client.get(f"/organisations/{orgs['杭州第二中学'].pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_department_sees_its_whole_subtree_in_the_tree(login, orgs):
    text = login("jyjadmin").get("/organisations/").content.decode()
    assert "杭州市教育局直属学校管理中心" in text and "杭州第二中学" in text
    assert "杭州市第一人民医院" not in text


def test_api_list_is_scoped(login, orgs):
    data = login("wjwadmin").get("/api/v1/organisations/").json()
    assert {row["name"] for row in data["results"]} == {"杭州市卫生健康委员会", "杭州市第一人民医院"}


def test_anonymous_api_gets_a_chinese_error(client, seeded):
    response = client.get("/api/v1/organisations/")
    assert response.status_code in (401, 403)
    assert response.json()["message"] == "请先登录。"
