"""API lists page like the pages do: the count stops at core.pagination.COUNT_CAP (then "count" is the cap
plus one and "count_capped" is true)."""

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from title_review.core.pagination import CappedPaginator


class CappedPageNumberPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator = self.page.paginator if self.page is not None else None
        response.data["count_capped"] = bool(getattr(paginator, "capped", False))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_capped"] = {"type": "boolean", "description": "count 达到上限（1,000）时为 true"}
        return result
