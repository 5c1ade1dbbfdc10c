from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "title_review.declarations"
    label = "declarations"
    verbose_name = "申报材料"

    def ready(self) -> None:
        from title_review.attachments.access import register_target

        from .selectors import declarations_visible_to

        # A declaration's attachments are visible to whoever may see the declaration.
        register_target("declarations.declaration", declarations_visible_to)
