"""{% print_links declaration %}: the 打印 card on the 审核记录 page, with only the forms the viewer may print."""

from typing import Any

from django import template
from django.urls import reverse

from title_review.access.policies import can, has_capability

from .. import selectors
from ..documents import BLANKS_ACTION, FORMS, ROUND_KIND_OF_FORM

register = template.Library()


@register.inclusion_tag("printing/_links.html", takes_context=True)
def print_links(context: template.Context, declaration: Any) -> dict[str, Any]:
    user = context["request"].user
    if not declaration.snapshot or not selectors.may_print(user, declaration):
        return {"forms": []}
    keys = ["review", "brief"]
    if selectors.may_print_checks(user, declaration):
        keys.append("check")
    keys += [key for key, kind in ROUND_KIND_OF_FORM.items() if declaration.round.kind == kind]
    forms = [(FORMS[key].short, reverse("printing:declaration", args=[declaration.pk, key])) for key in keys]
    if declaration.publicity_id and selectors.printable_publicity(user, declaration.publicity_id):
        forms.append((FORMS["publicity"].short, reverse("printing:publicity", args=[declaration.publicity_id])))
    # The round's 汇总表 and 批量打印 are for employers and reviewers, not for the applicant.
    staff = can(user, "declaration.print", declaration.employer)
    return {
        "forms": forms,
        "round": declaration.round if staff else None,
        "declaration": declaration,
        # An applicant sees the forms of their own declaration, not the blank ones (staff only, as the menu).
        "blanks": has_capability(user, BLANKS_ACTION),
        "csrf_token": context.get("csrf_token"),
    }
