"""What still points at a row: the reasons a removal is refused."""

from collections.abc import Collection

from django.db import models


def referring_records(obj: models.Model, *, skip: Collection[str] = ()) -> list[str]:
    """“有…记录” for every model with rows referring to `obj` by a foreign key (model labels in `skip` aside).

    New capabilities that point at the model block removal without touching the callers.
    """
    reasons = []
    # Hidden relations too (related_name="+"): a declaration's 填写人 points at an account that way.
    relations = [
        f for f in obj._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete and f.is_relation
    ]
    for relation in relations:
        if relation.many_to_many:
            continue
        model = relation.related_model
        if model is None or isinstance(model, str) or model._meta.label_lower in skip:
            continue
        if model._default_manager.filter(**{relation.field.name: obj}).exists():  # type: ignore[union-attr]
            reason = f"有{model._meta.verbose_name}记录"
            if reason not in reasons:
                reasons.append(reason)
    return reasons
