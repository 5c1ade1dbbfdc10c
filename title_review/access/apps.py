from typing import Any

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "title_review.access"
    label = "access"
    verbose_name = "权限"

    def ready(self) -> None:
        # The kinds of material a file can be attached to, each with the policy of its own kind.
        from title_review.achievements.models import Achievement, Appraisal, Education, Training, WorkHistory

        from . import declarations, people, personal, results, rounds, scoped  # noqa: F401 — importing registers the policies
        from .attachments import register_target

        register_target(
            "declarations.declaration",
            lambda user: declarations.policy.visible(user, declarations.Purpose.DOWNLOAD),
            lambda user: declarations.policy.visible(user, declarations.Purpose.FILL),
        )
        register_target(
            "rounds.round",
            lambda user: rounds.policy.visible(user, rounds.VIEW),
            lambda user: rounds.policy.visible(user, rounds.MANAGE),
        )
        # 业绩档案 is each person's own: its proofs are theirs alone.
        for model in (Education, WorkHistory, Training, Appraisal, Achievement):
            register_target(model._meta.label, _owned_by(model))


def _owned_by(model: Any) -> Any:
    from .policies import person_pk

    return lambda user: model._default_manager.filter(owner_id=person_pk(user))
