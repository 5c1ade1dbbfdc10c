"""The transition table itself: every status reachable, finals final, illegal moves refused in Chinese."""

import pytest

from title_review.core.errors import DomainError
from title_review.declarations import workflow
from title_review.declarations.workflow import FINAL, TRANSITIONS, Action, Status


def test_every_status_is_reachable_from_a_draft():
    reached, frontier = {Status.DRAFT}, [Status.DRAFT]
    while frontier:
        current = frontier.pop()
        for (source, _action), target in TRANSITIONS.items():
            if source == current and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status)


def test_final_statuses_lead_nowhere():
    assert not [key for key in TRANSITIONS if key[0] in FINAL]


def test_every_action_is_used_and_labelled():
    used = {action for _status, action in TRANSITIONS}
    assert used == set(Action)
    assert all(str(Action(a).label) for a in used)


@pytest.mark.parametrize("status", list(Status))
def test_moves_outside_the_table_are_refused_in_chinese(status):
    for action in Action:
        if (status, action) in TRANSITIONS:
            assert workflow.target(status, action) == TRANSITIONS[(status, action)]
            continue
        with pytest.raises(DomainError) as refused:
            workflow.target(status, action)
        assert "不能" in refused.value.message or "请勿重复提交" in refused.value.message
