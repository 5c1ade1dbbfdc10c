"""One rule for every text the system stores: no invisible control or direction-changing characters (issue 10,
finding 9; ADR 0054).

Services clean what they are given (`core.text.clean_name` for names, with the field's own label); this is the
backstop under all of them: before any model of the project is saved, each of its text fields is looked at for a
C0/C1 control, a format character (U+202E, a zero-width space, the BOM, a soft hyphen) or a line separator.
Line breaks and tabs are allowed.

- A CharField (a name, a title, a code, a short reason: one line, typed in one box) refuses the save with a
  `DomainError` naming the field — the service's transaction rolls back, the page shows the message at its
  form, the API answers 400 with the field.
- A TextField (an opinion, an objection, a notice: paragraphs, often pasted from a word processor, which
  brings soft hyphens and zero-width spaces along) is stored without those characters: what the reader sees
  is what was typed, and nobody loses a page of text to a character they cannot see.

A model that records what happened verbatim (the audit tables: a client's User-Agent, say) sets
`STORES_TEXT_VERBATIM = True` and is left alone. `bulk_create` sends no signal: `core.bulk.insert_models`, the
bulk imports' inserter, applies the rule to each row itself, and a service that calls `bulk_create` with what a
user typed cleans it first (`core.text.clean_name` / `clean_text`).
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import models

from .text import has_hidden_characters, hidden_characters_error, without_hidden_characters

PROJECT_PACKAGE = "title_review."


@cache
def text_fields(model: type[models.Model]) -> tuple[tuple[str, str, bool], ...]:
    """(attribute, label, is a TextField) of each text column of a project model; () for any other model."""
    if not model.__module__.startswith(PROJECT_PACKAGE) or getattr(model, "STORES_TEXT_VERBATIM", False):
        return ()
    return tuple(
        (field.attname, str(field.verbose_name), isinstance(field, models.TextField))
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


def check_stored_text(instance: models.Model, only: Iterable[str] | None = None) -> None:
    """Refuses a one-line text holding an invisible character; takes them out of paragraphs. `only`: the
    fields a `save(update_fields=...)` writes (a row saved before this rule is not refused for a column the
    save does not touch)."""
    wanted = None if only is None else set(only)
    for attname, label, paragraphs in text_fields(type(instance)):
        if wanted is not None and attname not in wanted:
            continue
        value = getattr(instance, attname)
        if not isinstance(value, str) or not has_hidden_characters(value):
            continue
        if paragraphs:
            setattr(instance, attname, without_hidden_characters(value))
        else:
            raise hidden_characters_error(label, attname)


def on_pre_save(
    sender: type[models.Model], instance: models.Model, update_fields: Iterable[str] | None = None, **kwargs: Any
) -> None:
    check_stored_text(instance, update_fields)
