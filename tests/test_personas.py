"""Cheap personas (tests/personas.py) are accounts like the demo ones: they sign in with the demo
password and can do what their role allows, no more."""

from title_review.demo.data import DEMO_PASSWORD

from .personas import organisation, persona


def test_a_persona_signs_in_and_reaches_what_its_role_allows(client, seeded, orgs):
    auditor = persona(role="audit_admin", organisation=orgs["杭州市职称工作领导小组办公室"])
    clerk = persona(role="employer_admin", organisation=orgs["杭州第二中学"])

    response = client.post("/accounts/login/", {"username": auditor.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/audit/events/").status_code == 200

    client.force_login(clerk)
    assert client.get("/audit/events/").status_code == 403


def test_an_applicant_persona_is_on_the_staff_list_of_a_new_school(login, seeded, orgs):
    school = organisation(parent=orgs["杭州市教育局"], name="杭州第九中学")
    teacher = persona(role="applicant", organisation=school, real_name="钱老师")
    other = persona(role="applicant", organisation=school)

    assert school.path.startswith(orgs["杭州市教育局"].path) and school.region == orgs["杭州市教育局"].region
    assert teacher.kind == "personal" and teacher.birth_date is not None and teacher.id_number != other.id_number
    admin = persona(role="employer_admin", organisation=school)
    page = login(admin.username).get("/organisations/employer/staff/")
    assert page.status_code == 200
    assert "钱老师" in page.content.decode()
