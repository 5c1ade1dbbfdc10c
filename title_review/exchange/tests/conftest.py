import pytest

from title_review.reviews.tests.conftest import review_round, submitted  # noqa: F401 — shared fixtures
from title_review.reviews.tests.factories import submit_for

from .factories import accept_through_chain


@pytest.fixture
def accepted(users, submitted):  # noqa: F811 — the fixture imported above
    """朱老师 (杭州第二中学), accepted by the 杭州市职改办's 资格审查经办."""
    return accept_through_chain(submitted)


@pytest.fixture
def pending(users, review_round):  # noqa: F811 — the fixture imported above
    """The hospital applicant's declaration in the same round: submitted, not accepted."""
    return submit_for(users["applicant"], review_round)
