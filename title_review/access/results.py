"""Who may see and handle 评后管理 (title_review/results, ADR 0038).

A result batch belongs to the title office that published its round; its entries reach the person's unit
(and the competent departments above it) and the applicant; objections are the office's to handle.
The public 公示 page lists batches in publicity without any policy: it shows only what is published.
"""

from typing import Any

from django.db.models import Q

from title_review.results.models import ResultBatch, ResultEntry, ResultObjection

from .kinds import ObjectPolicy, register
from .policies import has_capability, person_pk, scope_filter
from .scoped import ScopedPolicy, _one

batches = register(
    ScopedPolicy(
        "result_batch",
        ResultBatch,
        {
            "manage": _one("result.manage", "office__path"),
            "publicise": _one("result.publicise", "office__path"),
            "view": (
                *_one("result.manage", "office__path"),
                *_one("result.publicise", "office__path"),
                *_one("objection.handle", "office__path"),
            ),
        },
    )
)
objections = register(
    ScopedPolicy(
        "result_objection", ResultObjection, {"handle": _one("objection.handle", "entry__batch__office__path")}
    )
)


class EntryPolicy(ObjectPolicy[ResultEntry]):
    """A result: the office's; the unit's (its own people) and the applicant's own."""

    kind = "result_entry"
    model = ResultEntry
    purposes = frozenset({"unit", "own", "office"})

    def rule(self, user: Any, purpose: str) -> Q | None:
        if purpose == "office":
            return scope_filter(user, "result.manage", path_field="batch__office__path")
        if purpose == "unit":
            # The entry's own employer column (the declaration's, kept on the entry), the scope resolved to
            # organisation ids: 本单位评审结果 walks the (employer, batch, id) index (ADR 0053).
            return scope_filter(user, "result.unit", org_field="employer_id")
        person = person_pk(user)
        if person is None or not has_capability(user, "result.own"):
            return None
        return Q(declaration__applicant_id=person)


entries = register(EntryPolicy())
