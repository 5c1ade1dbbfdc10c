from typing import Any, ClassVar

from django.http import Http404
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.views import APIView

from title_review.access.policies import has_capability

from .schema import MAX_ID


class HasAccessRule(BasePermission):
    """The view's declared capability, as `access.decorators.rule` does for pages: an object URL answers
    404 (no hint that the object exists), a list URL 403."""

    def has_permission(self, request: Any, view: Any) -> bool:
        rule = getattr(view, "access_rule", None)
        if rule in ("public", "authenticated"):
            return True
        if rule is None or not has_capability(request.user, rule):
            if getattr(view, "kwargs", None):
                raise Http404
            return False
        return True


class AccessRuleAPIView(APIView):
    """Every API view names its access rule, as pages do; it is enforced and the URL walker test reads it."""

    access_rule: ClassVar[str]
    permission_classes = [IsAuthenticated, HasAccessRule]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # `<int:pk>` takes any run of digits; an id past a 64-bit key is no object (not a database error).
        super().initial(request, *args, **kwargs)
        if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
            raise Http404
