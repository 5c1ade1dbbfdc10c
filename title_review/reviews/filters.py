"""The filters of the declaration lists (待审核材料, 上报材料跟踪, 已受理名单), shared by the pages and by
导出汇总表 so an export holds exactly the rows its page shows."""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from title_review.core.identity import check_digit, mask_identity
from title_review.core.params import to_id, to_int
from title_review.declarations.workflow import Status
from title_review.dictionaries.models import Entry
from title_review.organisations.selectors import name_matches

from .lists import MAX_SORT_KEYS, ListDefinition

# The query parameters the lists understand; nothing else is carried into an export job. `q` (姓名 or
# 证件号码) and `sort` travel with the others, so 导出汇总表 holds the rows of the page in its order.
FILTERS = ("round", "employer", "series", "level", "status", "waiting", "q", "sort")

# 等待天数 beyond a century waits for nothing that exists (and a date that far back cannot be computed).
MAX_WAITING_DAYS = 36_500
# A search longer than this is no name and no identity number.
SEARCH_MAX = 40

_M = TypeVar("_M", bound=Model)


def filter_declarations(params: Mapping[str, str], queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Narrow a declaration queryset by round, employer name (a former one too), series, level, status and waiting days.

    `params` is a page's GET (a QueryDict) or a job's stored parameters; unknown or malformed values
    are ignored, as the pages always did.
    """
    if (round_id := to_id(params.get("round"))) is not None:
        queryset = queryset.filter(round_id=round_id)
    if params.get("employer"):
        queryset = queryset.filter(name_matches(str(params["employer"]).strip(), through="employer"))
    if (series_id := to_id(params.get("series"))) is not None:
        queryset = queryset.filter(round__series_id=series_id)
    if params.get("level"):
        codes = [
            e.code
            for e in Entry.objects.filter(type__code="qualification").only("code", "attributes")
            if str(e.attributes.get("level", "")) == params["level"]
        ]
        queryset = queryset.filter(target_qualification__in=codes)
    if params.get("status") in Status.values:
        queryset = queryset.filter(status=params["status"])
    if (days := to_int(params.get("waiting"), maximum=MAX_WAITING_DAYS)) is not None:
        since = timezone.now() - dt.timedelta(days=days)
        queryset = queryset.filter(stage_since__lte=since)
    return queryset


@dataclass(frozen=True)
class Search:
    """What the search box asked for: nothing, a 姓名 (exact) or a 证件号码 (normalised, exact)."""

    kind: str = ""  # "", "name", "identity"
    value: str = ""
    notes: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The search as the page repeats it: an identity number masked, a name as typed."""
        return mask_identity(self.value) if self.kind == "identity" else self.value


def normalise_identity_search(raw: str) -> tuple[str, tuple[str, ...]]:
    """A typed identity number as the accounts store it (core.identity: no spaces, upper-case X); an old 15-digit
    居民身份证号 becomes its 18-digit form (19 inserted before the year, the GB 11643 check digit appended)."""
    number = re.sub(r"\s", "", raw).upper()
    if len(number) == 15 and number.isascii() and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        return first17 + check_digit(first17), ("15 位身份证号码已按 18 位号码查找。",)
    well_formed = len(number) == 18 and number[:17].isascii() and number[:17].isdigit() and number[17] in "0123456789X"
    if well_formed and check_digit(number[:17]) != number[17]:
        return number, ("证件号码校验位不正确，请逐位核对。",)
    return number, ()


def parse_search(params: Mapping[str, Any]) -> Search:
    """The `q` parameter: with a digit in it, an identity number; otherwise a name. Both match exactly."""
    raw = str(params.get("q", "") or "").strip()
    if not raw:
        return Search()
    if len(raw) > SEARCH_MAX:
        return Search(notes=(f"查询内容超过 {SEARCH_MAX} 个字符，已忽略；请输入完整的姓名或证件号码。",))
    if re.search(r"\d", raw):
        number, notes = normalise_identity_search(raw)
        return Search("identity", number, notes)
    return Search("name", re.sub(r"\s+", "", raw))


def search_declarations(search: Search, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Exact matches only: the 申报人姓名 kept on the row, or the applicant's 证件号码 (the accounts' index),
    resolved to applicants inside the database so the scope's index still leads."""
    if search.kind == "name":
        return queryset.filter(applicant_name=search.value)
    if search.kind == "identity":
        from title_review.accounts.models import User

        return queryset.filter(applicant_id__in=User.objects.filter(id_number=search.value).values("pk"))
    return queryset


@dataclass(frozen=True)
class Sort:
    """The sort keys asked for, in order, each (column key, descending), and what was wrong with the request."""

    keys: tuple[tuple[str, bool], ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def param(self) -> str:
        return ",".join(("-" if desc else "") + key for key, desc in self.keys)

    def toggled(self, key: str) -> str:
        """The sort after a click on a column's header: a new column joins as the next key (ascending), an
        ascending one turns descending, a descending one leaves the sort."""
        keys = list(self.keys)
        at = next((i for i, (k, _d) in enumerate(keys) if k == key), None)
        if at is None:
            keys.append((key, False))
        elif not keys[at][1]:
            keys[at] = (key, True)
        else:
            del keys[at]
        return Sort(tuple(keys)).param


def parse_sort(params: Mapping[str, Any], definition: ListDefinition) -> Sort:
    """`sort=name,-since`: whitelisted column keys only (ListDefinition), each once, at most MAX_SORT_KEYS.
    Anything else is left out and named in a Chinese note; the page never fails on it."""
    raw = str(params.get("sort", "") or "")
    if not raw:
        return Sort()
    keys: list[tuple[str, bool]] = []
    bad: list[str] = []
    for token in raw.split(",")[:20]:
        token = token.strip()
        if not token:
            continue
        descending = token.startswith("-")
        key = token.lstrip("-")
        column = definition.column(key)
        if column is None or not column.sort_field:
            bad.append(token[:20])
        elif key not in {k for k, _d in keys}:
            keys.append((key, descending))
    notes: list[str] = []
    if bad:
        notes.append(f"不能按“{'、'.join(bad)}”排序，已忽略。")
    if len(keys) > MAX_SORT_KEYS:
        keys = keys[:MAX_SORT_KEYS]
        notes.append(f"最多按 {MAX_SORT_KEYS} 列排序，只保留前 {MAX_SORT_KEYS} 列。")
    return Sort(tuple(keys), tuple(notes))
