"""The filters of the declaration lists (待审核材料, 上报材料跟踪, 已受理名单), shared by the pages and by
导出汇总表 so an export holds exactly the rows its page shows."""

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from title_review.declarations.workflow import Status
from title_review.dictionaries.models import Entry
from title_review.organisations.selectors import name_matches

# The query parameters the lists understand; nothing else is carried into an export job.
FILTERS = ("round", "employer", "series", "level", "status", "waiting")

_M = TypeVar("_M", bound=Model)


def filter_declarations(params: Mapping[str, str], queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Narrow a declaration queryset by round, employer name (a former one too), series, level, status and waiting days.

    `params` is a page's GET (a QueryDict) or a job's stored parameters; unknown or malformed values
    are ignored, as the pages always did.
    """
    if str(params.get("round", "")).isdigit():
        queryset = queryset.filter(round_id=int(params["round"]))
    if params.get("employer"):
        queryset = queryset.filter(name_matches(str(params["employer"]).strip(), through="employer"))
    if str(params.get("series", "")).isdigit():
        queryset = queryset.filter(round__series_id=int(params["series"]))
    if params.get("level"):
        codes = [
            e.code
            for e in Entry.objects.filter(type__code="qualification").only("code", "attributes")
            if str(e.attributes.get("level", "")) == params["level"]
        ]
        queryset = queryset.filter(target_qualification__in=codes)
    if params.get("status") in Status.values:
        queryset = queryset.filter(status=params["status"])
    if str(params.get("waiting", "")).isdigit():
        since = timezone.now() - dt.timedelta(days=int(params["waiting"]))
        queryset = queryset.filter(stage_since__lte=since)
    return queryset
