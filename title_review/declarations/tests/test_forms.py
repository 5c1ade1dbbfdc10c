"""The dossier's 基本信息 choices: the same lists as before, from the code tables the worker keeps (issue 12, ADR 0049)."""

from title_review.declarations.forms import BasicInfoForm
from title_review.dictionaries.models import DictionaryType, Entry


def _expected(round_):
    """The four lists as the form built them with one query each (before issue 12)."""

    def names(type_code, codes):
        found = dict(Entry.objects.filter(type__code=type_code, code__in=codes).values_list("code", "name"))
        return [("", "请选择")] + [(c, found.get(c, c)) for c in codes]

    def of_series(type_code):
        rows = Entry.objects.filter(type__code=type_code, parent=round_.series, is_active=True)
        return list(rows.order_by("sort_order", "code").values_list("code", flat=True))

    return {
        "route": names("declaration_route", round_.routes),
        "target_qualification": names("qualification", round_.qualifications),
        "specialty": names("specialty", round_.specialties or of_series("specialty")),
        "current_qualification": names("qualification", of_series("qualification")),
    }


FIELDS = ("route", "target_qualification", "specialty", "current_qualification")


def _choices(form):
    return {name: list(form.fields[name].choices) for name in FIELDS}


def test_choices_come_from_the_code_tables_kept_by_the_worker(open_round, django_assert_num_queries):
    # First form in this worker: the generation token, then the three code tables (routes, qualifications,
    # specialties); every form after it, while the tables are unchanged: the token only (ADR 0049).
    with django_assert_num_queries(4):
        BasicInfoForm(round_=open_round)
    with django_assert_num_queries(1):
        form = BasicInfoForm(round_=open_round)
    assert _choices(form) == _expected(open_round)
    assert len(form.fields["current_qualification"].choices) > 1  # the series has qualifications
    assert form.fields["route"].choices[1][1] != "01"  # named, not just coded


def test_inactive_entries_are_not_offered_and_the_round_list_wins(open_round):
    held = Entry.objects.filter(type__code="qualification", parent=open_round.series, is_active=True)
    retired = held.order_by("sort_order", "code").first()
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    Entry.objects.create(
        type=DictionaryType.objects.get(code="specialty"), code="SURGE-T1", name="测试专业", parent=open_round.series
    )
    form = BasicInfoForm(round_=open_round)
    assert _choices(form) == _expected(open_round)
    assert retired.code not in [c for c, _ in form.fields["current_qualification"].choices]
    assert ("SURGE-T1", "测试专业") in form.fields["specialty"].choices

    open_round.specialties = ["SURGE-T1", "NO-SUCH-CODE"]  # a round's own list, in its order
    form = BasicInfoForm(round_=open_round)
    assert form.fields["specialty"].choices == [
        ("", "请选择"),
        ("SURGE-T1", "测试专业"),
        ("NO-SUCH-CODE", "NO-SUCH-CODE"),
    ]
    assert _choices(form) == _expected(open_round)
