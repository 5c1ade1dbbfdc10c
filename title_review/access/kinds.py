"""The shape every object policy shares: one rule per purpose, giving the queryset and the instance check.

A policy answers two questions from the same rule, so they cannot drift apart (architecture.md §3.2):

- ``visible(user, purpose)``: the rows `user` may reach for `purpose` (lists, exports, jobs);
- ``allows(user, obj, purpose)``: whether one row is among them (pages, downloads, decisions).

Subclasses write only ``rule(user, purpose)``, a ``Q`` (or ``None`` for "nothing"), from the grants in
``access.policies``. Purposes a policy does not name are refused, so a typo cannot open anything.
"""

from typing import Any, ClassVar, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from title_review.core.params import to_id

M = TypeVar("M", bound=models.Model)

# Every object policy, by kind name; the scope-matrix test reads it to check that object URLs name one.
POLICIES: dict[str, "ObjectPolicy[Any]"] = {}


class ObjectPolicy(Generic[M]):
    """Base of the per-kind policies (declaration, attachment, round, ...)."""

    kind: ClassVar[str]
    model: ClassVar[type[models.Model]]
    purposes: ClassVar[frozenset[str]]

    def rule(self, user: Any, purpose: str) -> Q | None:  # pragma: no cover - every subclass writes one
        raise NotImplementedError

    def _check(self, purpose: str) -> None:
        if purpose not in self.purposes:
            raise KeyError(f"{self.kind} policy has no purpose {purpose!r}; it knows {sorted(self.purposes)}")

    def visible(self, user: Any, purpose: str, queryset: QuerySet[M] | None = None) -> QuerySet[M]:
        """The rows `user` may reach for `purpose` (deny by default: no grant, no rows).

        Pass `queryset` to narrow a list the caller already shaped (select_related, filters)."""
        self._check(purpose)
        base: QuerySet[M] = queryset if queryset is not None else self.model._default_manager.all()  # type: ignore[assignment]
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return base.none()
        q = self.rule(user, purpose)
        if q is None:
            return base.none()
        return base.filter(q)

    def allows(self, user: Any, obj: M | None, purpose: str) -> bool:
        """Whether `obj` is among ``visible(user, purpose)`` (one indexed query)."""
        if obj is None or obj.pk is None:
            return False
        return self.visible(user, purpose).filter(pk=obj.pk).exists()

    def get(self, user: Any, pk: Any, purpose: str, queryset: QuerySet[M] | None = None) -> M:
        """The row for an object URL, or 404 — the same answer as for an id that does not exist."""
        if to_id(pk) is None:
            raise Http404
        # One row by its key: no ORDER BY to compile or plan (first() would sort by the model's ordering).
        found = list(self.visible(user, purpose, queryset).filter(pk=pk).order_by()[:1])
        if not found:
            raise Http404
        return found[0]


P = TypeVar("P", bound=ObjectPolicy[Any])


def register(policy: P) -> P:
    """Make a policy known by its kind (the scope-matrix test checks that object URLs name one)."""
    POLICIES[policy.kind] = policy
    return policy


def either(*parts: Q | None) -> Q | None:
    """OR of the parts that grant something; None when none does."""
    result: Q | None = None
    for part in parts:
        if part is not None:
            result = part if result is None else result | part
    return result


def both(left: Q | None, right: Q) -> Q | None:
    return None if left is None else left & right
