"""申报专业 is shown by its dictionary name, not its code (issue 10, finding 13b)."""

from django.template import Context, Template

from title_review.declarations import services as declarations
from title_review.declarations.models import Declaration
from title_review.dictionaries.models import Entry

from .factories import complete_draft
from .test_chain import OPINION, _refresh


def _submitted_with_specialty(users, review_round) -> tuple[Declaration, Entry]:
    specialty = Entry.objects.filter(type__code="specialty", parent=review_round.series).order_by("code").first()
    draft = complete_draft(users["teacher"], review_round)
    Declaration.objects.filter(pk=draft.pk).update(specialty=specialty.code)
    return declarations.submit_declaration(actor=users["teacher"], declaration_id=draft.pk), specialty


def test_the_review_record_and_the_publicity_sheet_name_the_specialty(users, login, review_round):
    declaration, specialty = _submitted_with_specialty(users, review_round)
    client = login("schooladmin")
    record = client.get(f"/reviews/track/{declaration.pk}/").content.decode()
    assert f'<dt class="col-4">申报专业</dt><dd class="col-8">{specialty.name}</dd>' in record
    client.post(
        f"/reviews/track/{declaration.pk}/decide/",
        {"decision": "employer_pass", "version": declaration.version, "opinion": OPINION},
    )
    d = _refresh(declaration)
    response = client.post(
        "/reviews/employer/publicity/", {"pick": f"{d.pk}:{d.version}", "starts_on": "2026-09-30", "place": "公告栏"}
    )
    sheet = client.get(response["Location"]).content.decode()
    assert f"<td>{specialty.name}</td>" in sheet and f"<td>{specialty.code}</td>" not in sheet


def test_a_list_looks_its_names_up_in_one_query(seeded, django_assert_num_queries):
    codes = list(Entry.objects.filter(type__code="specialty").order_by("code").values_list("code", "name")[:20])
    rows = [Declaration(specialty=code) for code, _name in codes] + [Declaration(specialty="9999")]
    template = Template(
        '{% load app_tags dictionary_tags %}{% entry_names "specialty" rows "specialty" as names %}'
        "{% for d in rows %}[{{ names|get_item:d.specialty|default:d.specialty }}]{% endfor %}"
    )
    with django_assert_num_queries(1):
        text = template.render(Context({"rows": rows}))
    assert text == "".join(f"[{name}]" for _code, name in codes) + "[9999]"
