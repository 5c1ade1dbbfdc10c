"""Who may see and manage 评审活动 (rounds) and 评委会 (committees).

Published rounds are public notices: everyone signed in finds them (and downloads their 通知附件).
Drafts, edits and notice attachments belong to whoever holds "round.manage" over the publisher.
"""

from typing import Any

from django.db.models import Q

from title_review.rounds.models import Committee, Round, RoundStatus

from .kinds import ObjectPolicy, either, register
from .policies import has_capability, scope_filter

VIEW = "view"
MANAGE = "manage"
PRINT = "print"  # a round's 汇总表 and batch of 评审表 (rows narrowed by the declaration policy)


class RoundPolicy(ObjectPolicy[Round]):
    kind = "round"
    model = Round
    purposes = frozenset({VIEW, MANAGE, PRINT})

    def rule(self, user: Any, purpose: str) -> Q | None:
        manage = scope_filter(user, "round.manage", path_field="publisher__path")
        if purpose == MANAGE:
            return manage
        if purpose == PRINT and not has_capability(user, "declaration.print"):
            return None
        return either(Q(status=RoundStatus.PUBLISHED), manage)


class CommitteePolicy(ObjectPolicy[Committee]):
    kind = "committee"
    model = Committee
    purposes = frozenset({MANAGE})

    def rule(self, user: Any, purpose: str) -> Q | None:
        return scope_filter(user, "round.manage", path_field="host__path")


policy = register(RoundPolicy())
committee_policy = register(CommitteePolicy())
