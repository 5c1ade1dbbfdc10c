"""Every decision of the review chain. Status moves go through declarations.transitions.transition.

Each decision locks the declaration row, checks that it is still at the deciding organisation's desk
with the version the reviewer saw, and writes the 审核记录 and the audit row in the same transaction:
two reviewers acting at once give one decision and one “已被他人处理，请刷新”.
"""

from .chain import accept, batch_pass, check_item, check_items_of, department_pass, reject, return_declaration
from .columns import reset_columns, save_columns
from .desk import DESK_CAPABILITIES, SECTIONS, STALE, today
from .employer import (
    employer_pass,
    employer_return,
    forward,
    give_internal_opinion,
    handle_objection,
    publicity_finished,
    record_objection,
    required_slots,
    set_required_slots,
    slots_for,
    start_publicity,
)
from .scheduled import end_publicities, expire_corrections, recall_forwarded, remind_corrections, run_scheduled

__all__ = [
    "DESK_CAPABILITIES",
    "SECTIONS",
    "STALE",
    "accept",
    "batch_pass",
    "check_item",
    "check_items_of",
    "reset_columns",
    "save_columns",
    "department_pass",
    "employer_pass",
    "employer_return",
    "end_publicities",
    "expire_corrections",
    "forward",
    "give_internal_opinion",
    "handle_objection",
    "publicity_finished",
    "recall_forwarded",
    "record_objection",
    "reject",
    "remind_corrections",
    "required_slots",
    "slots_for",
    "return_declaration",
    "run_scheduled",
    "set_required_slots",
    "start_publicity",
    "today",
]
