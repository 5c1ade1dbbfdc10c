"""One rule for every text the system stores: no invisible control or direction-changing characters (issue 10,
finding 9; ADR 0054).

Services clean what they are given (`core.text.clean_name` for names, with the field's own label); this is the
backstop under all of them: before any model of the project is saved, each of its text fields (CharField and
TextField) is looked at, and a U+202E, a zero-width space, a C0/C1 control or a line separator refuses the save
with a `DomainError` naming the field — the service's transaction rolls back, the page shows the message at its
form, the API answers 400 with the field. Line breaks and tabs (a textarea's) stay allowed.

A model that records what happened verbatim (the audit tables: a client's User-Agent, say) sets
`STORES_TEXT_VERBATIM = True` and is left alone. `bulk_create` sends no signal: `core.bulk.insert_models`, the
bulk imports' inserter, checks each row itself, and a service that calls `bulk_create` with what a user typed
cleans it first (`core.text.clean_name` / `clean_text`).
"""

from functools import cache
from typing import Any

from django.db import models

from .text import has_hidden_characters, hidden_characters_error

PROJECT_PACKAGE = "title_review."


@cache
def text_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(attribute, label) of each text column of a project model; () for any other model."""
    if not model.__module__.startswith(PROJECT_PACKAGE) or getattr(model, "STORES_TEXT_VERBATIM", False):
        return ()
    return tuple(
        (field.attname, str(field.verbose_name))
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


def refuse_hidden_text(instance: models.Model) -> None:
    for attname, label in text_fields(type(instance)):
        value = getattr(instance, attname)
        if isinstance(value, str) and has_hidden_characters(value):
            raise hidden_characters_error(label, attname)


def on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    refuse_hidden_text(instance)
