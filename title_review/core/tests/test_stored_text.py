"""No stored text carries invisible control or direction-changing characters (core.stored_text, ADR 0054)."""

import pytest
from django.apps import apps
from django.db import models

from title_review.core.errors import DomainError
from title_review.core.stored_text import check_stored_text, text_fields
from title_review.core.text import has_hidden_characters, without_hidden_characters

HIDDEN = {
    "right-to-left override": "张三\u202egpj.exe",
    "left-to-right isolate": "李\u2066四",
    "zero-width space": "王\u200b五",
    "zero-width joiner": "赵\u200d六",
    "byte order mark": "\ufeff钱七",
    "NUL": "孙\x00八",
    "escape": "周\x1b[31m九",
    "C1 next line": "吴\x85十",
    "line separator": "郑\u2028一",
    "soft hyphen": "冯\u00ad二",
}

ALLOWED = {
    "plain": "欧阳娜娜",
    "a middle dot": "阿卜杜·热合曼",
    "a full-width space": "张　三",
    "a no-break space": "Zhang\u00a0San",
    "line breaks and a tab (a textarea)": "第一行\r\n第二行\n\t缩进",
    "a private-use character (a rare character in an older font)": "王\ue000",
    "a CJK extension character": "𠀀𪚥",
    "an emoji": "备注👍",
    "empty": "",
}


@pytest.mark.parametrize("value", HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_characters_are_found(value):
    assert has_hidden_characters(value)


@pytest.mark.parametrize("value", ALLOWED.values(), ids=ALLOWED.keys())
def test_ordinary_text_passes(value):
    assert not has_hidden_characters(value)
    assert without_hidden_characters(value) == value


def test_taking_the_characters_out_keeps_everything_else():
    assert without_hidden_characters("张\u202e三\r\n李\u200b四\t王\x00五\u3000") == "张三\r\n李四\t王五\u3000"


def _project_text_columns():
    for model in apps.get_models():
        if not model.__module__.startswith("title_review."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field


def test_every_text_column_of_every_project_model_is_checked_except_the_verbatim_audit():
    """One-line text (CharField) is refused with the column's label; paragraphs (TextField) lose the characters."""
    refused, cleaned, verbatim = set(), set(), set()
    for model, field in _project_text_columns():
        instance = model()
        setattr(instance, field.attname, "名称\u202e")
        if getattr(model, "STORES_TEXT_VERBATIM", False):
            verbatim.add(model._meta.label)
            check_stored_text(instance)  # recorded as sent
            assert getattr(instance, field.attname) == "名称\u202e"
        elif isinstance(field, models.TextField):
            cleaned.add((model._meta.label, field.attname))
            check_stored_text(instance)
            assert getattr(instance, field.attname) == "名称"
        else:
            refused.add((model._meta.label, field.attname))
            with pytest.raises(DomainError) as refusal:
                check_stored_text(instance)
            assert refusal.value.field == field.attname
            assert refusal.value.message == f"{field.verbose_name}含有不可见的控制字符，请删除后重新输入。"
    assert verbatim == {"audit.AuditEvent", "audit.LoginEvent"}
    assert len(refused) > 140 and len(cleaned) > 10  # every text column of the project, not a list kept by hand
    assert ("committees.PanelOpinion", "opinion") in cleaned and ("committees.Meeting", "title") in refused
    assert text_fields(apps.get_model("sessions", "Session")) == ()  # Django's own tables are not ours to judge


def test_a_pasted_paragraph_is_stored_without_the_characters_it_brought_along(db, orgs):
    from title_review.rounds.models import Round

    round_ = Round.objects.first()
    round_.notice = "申报须知：\r\n一、材料须真\u00ad实；\n\t二、\u200b逾期不予受理。\ufeff"
    round_.save()
    round_.refresh_from_db()
    assert round_.notice == "申报须知：\r\n一、材料须真实；\n\t二、逾期不予受理。"


def test_a_save_with_a_hidden_character_is_refused_and_nothing_is_stored(db, orgs):
    from title_review.dictionaries.models import Entry

    entry = Entry.objects.filter(type__code="degree").first()
    old_name = entry.name
    entry.name = "博士\u202e"
    with pytest.raises(DomainError, match="含有不可见的控制字符"):
        entry.save()
    entry.refresh_from_db()
    assert entry.name == old_name


def test_the_bulk_inserter_refuses_the_whole_batch_before_writing(db, orgs):
    from title_review.core.bulk import insert_models
    from title_review.dictionaries.models import DictionaryType, Entry

    kind = DictionaryType.objects.get(code="degree")
    before = Entry.objects.count()
    rows = [Entry(type=kind, code="97", name="甲"), Entry(type=kind, code="98", name="乙\u2067")]
    with pytest.raises(DomainError) as refused:
        insert_models(Entry, rows)
    assert refused.value.field == "name"
    assert Entry.objects.count() == before


def test_a_save_of_other_columns_does_not_trip_over_an_older_value(db, orgs):
    """A row stored before the rule (written here past the ORM's save) can still be saved for another column."""
    from title_review.dictionaries.models import Entry

    entry = Entry.objects.filter(type__code="degree").first()
    Entry.objects.filter(pk=entry.pk).update(name="博士\u202e")
    entry.refresh_from_db()
    entry.sort_order = 7
    entry.save(update_fields=["sort_order"])
    with pytest.raises(DomainError, match="名称含有不可见的控制字符"):
        entry.save()  # a whole save writes the name too
