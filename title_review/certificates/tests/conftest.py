import pytest
from django.db import transaction

from .helpers import APPLICANT_ID, issue, number


@pytest.fixture(scope="module")
def ecert_world(django_db_setup, django_db_blocker):
    """Built once per module on top of the session's demo tree and rolled back after its last test: the demo
    applicant's certificate numbered (杭州市第一人民医院), a colleague's at the school numbered too, and one
    still waiting for its number."""
    from title_review.accounts.models import User
    from title_review.organisations.models import Organisation

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {u.username: u for u in User.objects.all()}
            orgs = {o.name: o for o in Organisation.objects.all()}
            hz = users["hzadmin"]
            mine = issue(hz, orgs["杭州市第一人民医院"], name="韩申报", id_number=APPLICANT_ID)
            school = issue(hz, orgs["杭州第二中学"], name="朱老师", id_number="11010519491231002X")
            waiting = issue(hz, orgs["杭州市第一人民医院"], name="待编号人", id_number="110101199003070011")
            number(hz, [mine, school])
            mine.refresh_from_db()
            school.refresh_from_db()
            built = {"mine": mine, "school": school, "waiting": waiting}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
