"""What still points at a row: the reasons a removal is refused."""

from collections.abc import Collection

from django.db import models


def referring_records(obj: models.Model, *, skip: Collection[str] = ()) -> list[str]:
    """“有…记录” for every model with rows referring to `obj` by a foreign key (model labels in `skip` aside).

    New capabilities that point at the model block removal without touching the callers.
    """
    reasons = []
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if isinstance(model, str) or model._meta.label_lower in skip:
            continue
        if model._default_manager.filter(**{relation.field.name: obj}).exists():
            reasons.append(f"有{model._meta.verbose_name}记录")
    return reasons
