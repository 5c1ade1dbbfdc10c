"""接口令牌 page: an administrator creates and revokes integration tokens for organisations in scope."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.decorators import guards, rule
from title_review.access.policies import organisations_visible_to
from title_review.core.errors import DomainError
from title_review.core.forms import StyledForm

from . import tokens
from .base import AccessRuleAPIView
from .models import ApiToken


class TokenForm(StyledForm):
    name = forms.CharField(label="令牌用途", max_length=100)
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(label="所属机构", queryset=None, empty_label=None)


def _manageable(request: HttpRequest):  # type: ignore[no-untyped-def]  # a queryset of organisations
    return organisations_visible_to(request.user, "token.manage").order_by("path")


def _token_owners(request: HttpRequest):  # type: ignore[no-untyped-def]  # a queryset of organisations
    """Offices, departments and agencies in scope, plus the user's own organisation (not every employer)."""
    return _manageable(request).filter(
        Q(kind__in=["title_office", "department", "agency"]) | Q(pk=getattr(request.user, "organisation_id", None))
    )


@rule("token.manage")
def token_list(request: HttpRequest) -> HttpResponse:
    orgs = _manageable(request)
    form = TokenForm(request.POST or None)
    form.fields["organisation"].queryset = _token_owners(request)  # type: ignore[attr-defined]  # ModelChoiceField
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            token, key = tokens.create_token(
                actor=request.user, organisation=form.cleaned_data["organisation"], name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            context.update(new_token=token, new_key=key, form=TokenForm())
            context["form"].fields["organisation"].queryset = _token_owners(request)
    context["tokens"] = ApiToken.objects.filter(user__organisation__in=orgs.values("pk")).select_related(
        "user__organisation"
    )[:200]
    return render(request, "api/tokens.html", context)


@rule("token.manage")
@require_POST
@guards("token", "manage")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user__organisation__in=_manageable(request).values("pk"))
    try:
        tokens.revoke_token(actor=request.user, token_id=token.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销令牌“{token.name}”。")
    return redirect("api-tokens")


class NotFoundApi(AccessRuleAPIView):
    """An API address that names nothing: the API's JSON 404 (401 first for someone not signed in), never
    the site's HTML page. Not an operation of the schema."""

    access_rule = "authenticated"
    schema = None

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound

    get = post = put = patch = delete = _not_found
