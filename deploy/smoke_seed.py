"""The production smoke's one declaration (deploy/smoke.py): the demo has none, so a reviewer's inbox would
be empty. 朱老师 (teacher, 杭州第二中学) submits a complete declaration in a published round of 杭州市职改办;
the school passes it, its publicity ends and it is forwarded, so it waits in 待审核材料 of 直属学校管理中心
(zsadmin). Built with the suite's own factories, through the services, under whatever settings are in force
(the smoke runs it under config.settings.prod). Prints the declaration's id.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    django.setup()

    from title_review.accounts.models import User
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.conftest import publish_review_round
    from title_review.reviews.tests.factories import submit_for
    from title_review.reviews.tests.test_chain import forward, to_ready

    users = {u.username: u for u in User.objects.filter(username__in=["hzadmin", "schooladmin", "teacher"])}
    orgs = {o.name: o for o in Organisation.objects.all()}
    round_ = publish_review_round(users, orgs)
    declaration = forward(users, to_ready(users, submit_for(users["teacher"], round_)))
    sys.stdout.write(f"{declaration.pk}\n")


if __name__ == "__main__":
    main()
