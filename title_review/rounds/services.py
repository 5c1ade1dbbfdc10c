"""Every write to committees and rounds."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.text import clean_name
from title_review.dictionaries.models import Entry
from title_review.organisations.models import OfficeLevel, OrganisationKind

from .models import LOCKED_AFTER_PUBLISH, Committee, Panel, Round, RoundStatus


def _codes(type_code: str, codes: list[str], label: str) -> list[str]:
    known = set(Entry.objects.filter(type__code=type_code, code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(f"{label}中有无效代码：" + "、".join(unknown))
    return list(dict.fromkeys(codes))


FILING_YEARS = 3  # 备案有效期 ≤ 3 年 (人社部令第40号)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def by_province(actor: Any) -> bool:
    """The province's title office keeps the 评委会 register (核准备案): its committees carry their 备案."""
    organisation = getattr(actor, "organisation", None)
    return bool(
        organisation is not None
        and organisation.kind == OrganisationKind.TITLE_OFFICE
        and organisation.office_level == OfficeLevel.PROVINCE
    )


def _filing(
    *, required: bool, filing_number: str, filed_on: dt.date | None, valid_until: dt.date | None
) -> tuple[str, dt.date | None, dt.date | None]:
    """备案号, 备案日期 and 备案有效期至, checked: all or none (all when `required`); at most 3 years."""
    filing_number = (filing_number or "").strip()
    if valid_until is not None and filed_on is None:
        filed_on = timezone.localdate()  # entered on the day it is filed
    if required and not (filing_number and valid_until):
        raise DomainError("省级职改办组建（核准备案）的评委会须填写备案号和备案有效期。", field="filing_number")
    if bool(filing_number) != bool(valid_until):
        raise DomainError("备案号和备案有效期须一并填写（未备案的评委会两项都不填）。", field="valid_until")
    if filed_on is not None and valid_until is not None:
        if valid_until <= filed_on:
            raise DomainError(
                f"备案有效期至 {valid_until:%Y-%m-%d} 须晚于备案日期 {filed_on:%Y-%m-%d}。", field="valid_until"
            )
        latest = _years_after(filed_on, FILING_YEARS)
        if valid_until > latest:
            raise DomainError(
                f"备案有效期不超过 {FILING_YEARS} 年：备案日期 {filed_on:%Y-%m-%d}，有效期至最晚 {latest:%Y-%m-%d}，"
                f"现为 {valid_until:%Y-%m-%d}。",
                field="valid_until",
            )
    return filing_number, filed_on, valid_until


@transaction.atomic
def create_committee(
    *,
    actor: Any,
    host: Any,
    name: str,
    series: Entry,
    levels: list[str],
    specialties: list[str],
    filing_number: str = "",
    valid_until: dt.date | None = None,
    filed_on: dt.date | None = None,
) -> Committee:
    """A 评委会 hosted by `host` (an organisation in the actor's scope). The province registers its committees
    with their 备案 (备案号, 备案日期, 有效期 ≤ 3 年); a committee set up without one is 未备案 (ADR 0032)."""
    require(actor, "round.manage", host)
    filing_number, filed_on, valid_until = _filing(
        required=by_province(actor), filing_number=filing_number, filed_on=filed_on, valid_until=valid_until
    )
    name = clean_name(name, "评委会名称")
    if not name:
        raise DomainError("请填写评委会名称。")
    if not levels:
        raise DomainError("请至少选择一个可评审级别。")
    if Committee.objects.filter(host=host, name=name).exists():
        raise DomainError(f"“{host.name}”已有名为“{name}”的评委会。")
    committee = Committee.objects.create(
        name=name,
        host=host,
        series=series,
        levels=_codes("level", levels, "级别"),
        specialties=_codes("specialty", specialties, "专业"),
        filing_number=filing_number,
        filed_on=filed_on,
        valid_until=valid_until,
    )
    record_event(
        actor=actor,
        action="committee.create",
        obj=committee,
        after={
            "name": name,
            "series": series.code,
            "levels": committee.levels,
            "filing_number": filing_number,
            "filed_on": filed_on.isoformat() if filed_on else None,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
        organisation=host,
    )
    return committee


@transaction.atomic
def record_filing(
    *, actor: Any, committee_id: int, filing_number: str, filed_on: dt.date | None, valid_until: dt.date | None
) -> Committee:
    """登记备案 / 备案延续: the province records a committee's (new) 备案; the old one is kept in the audit row."""
    committee = Committee.objects.select_for_update(of=("self",)).select_related("host").get(pk=committee_id)
    require(actor, "round.manage", committee.host)
    if not by_province(actor):
        raise DomainError("评委会备案由省级职改办登记。", code="not_province")
    filing_number, filed_on, valid_until = _filing(
        required=True, filing_number=filing_number, filed_on=filed_on, valid_until=valid_until
    )
    before = {
        "filing_number": committee.filing_number,
        "filed_on": committee.filed_on.isoformat() if committee.filed_on else None,
        "valid_until": committee.valid_until.isoformat() if committee.valid_until else None,
    }
    committee.filing_number, committee.filed_on, committee.valid_until = filing_number, filed_on, valid_until
    committee.save(update_fields=["filing_number", "filed_on", "valid_until", "updated_at"])
    record_event(
        actor=actor,
        action="committee.filing",
        obj=committee,
        before=before,
        after={
            "filing_number": filing_number,
            "filed_on": filed_on.isoformat() if filed_on else None,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
        organisation=committee.host,
    )
    return committee


@transaction.atomic
def add_panel(*, actor: Any, committee_id: int, name: str, specialties: list[str]) -> Panel:
    committee = Committee.objects.select_for_update(of=("self",)).select_related("host").get(pk=committee_id)
    require(actor, "round.manage", committee.host)
    name = clean_name(name, "学科组名称")
    if not name:
        raise DomainError("请填写学科组名称。")
    if committee.panels.filter(name=name).exists():
        raise DomainError(f"该评委会已有学科组“{name}”。")
    panel = Panel.objects.create(committee=committee, name=name, specialties=_codes("specialty", specialties, "专业"))
    record_event(
        actor=actor, action="committee.panel_add", obj=panel, after={"name": name}, organisation=committee.host
    )
    return panel


def _check_round(round_: Round) -> None:
    if round_.closes_at <= round_.opens_at:
        raise DomainError("申报截止时间须晚于申报开始时间。")
    if not round_.levels:
        raise DomainError("请至少选择一个申报级别。")
    if not round_.routes:
        raise DomainError("请至少选择一种申报方式。")
    committee = round_.committee
    if committee is not None:
        _check_committee(round_, committee)
        beyond = [code for code in round_.levels if code not in committee.levels]
        if beyond:
            raise DomainError("所选评委会不能评审这些级别：" + "、".join(_names("level", beyond)))
        if committee.specialties:
            if not round_.specialties:
                raise DomainError(
                    f"“{committee.name}”只受理部分专业（"
                    + "、".join(_names("specialty", committee.specialties))
                    + "），请选择活动的受理专业。"
                )
            outside = [code for code in round_.specialties if code not in committee.specialties]
            if outside:
                raise DomainError("这些专业不在评委会受理范围内：" + "、".join(_names("specialty", outside)))
    if round_.panel is not None and round_.panel.committee_id != round_.committee_id:
        raise DomainError("学科组不属于所选评委会。")


def _check_committee(round_: Round, committee: Committee) -> None:
    """The committee may take the round: in service, of its series, and its 备案 in force through the window
    (a committee with a 备案 that ends before the round closes cannot take it; ADR 0032)."""
    if not committee.is_active:
        raise DomainError(f"“{committee.name}”已停用，不能用于评审活动。")
    if committee.series_id != round_.series_id:
        raise DomainError("评委会的系列与活动的系列不一致。")
    closes = timezone.localdate(round_.closes_at)
    if committee.valid_until is not None and committee.valid_until < closes:
        raise DomainError(
            f"“{committee.name}”的备案有效期至 {committee.valid_until:%Y-%m-%d}，早于本活动的申报截止日期 "
            f"{closes:%Y-%m-%d}，不能使用该评委会。请先办理备案延续或选择其他评委会。"
        )


def _names(type_code: str, codes: list[str]) -> list[str]:
    names = dict(Entry.objects.filter(type__code=type_code, code__in=codes).values_list("code", "name"))
    return [names.get(c, c) for c in codes]


def _qualifications(series: Entry, levels: list[str]) -> list[str]:
    """资格名称 follow from series × levels (the qualification dictionary)."""
    return list(
        Entry.objects.filter(type__code="qualification", parent=series, is_active=True)
        .filter(attributes__level__in=levels)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )


@transaction.atomic
def create_round(
    *,
    actor: Any,
    publisher: Any,
    title: str,
    year: int,
    kind: str,
    series: Entry,
    committee: Committee | None,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> Round:
    """A draft round; its details are filled in on the edit page before 发布."""
    require(actor, "round.manage", publisher)
    title = clean_name(title, "活动名称")
    if not title:
        raise DomainError("请填写活动名称。")
    round_ = Round(
        title=title,
        year=year,
        kind=kind,
        publisher=publisher,
        committee=committee,
        series=series,
        opens_at=opens_at,
        closes_at=closes_at,
        levels=list(committee.levels) if committee else [],
        routes=["01"],
    )
    if closes_at <= opens_at:
        raise DomainError("申报截止时间须晚于申报开始时间。")
    if committee is not None:
        _check_committee(round_, committee)
    round_.save()
    round_.scope.add(publisher)
    record_event(
        actor=actor, action="round.create", obj=round_, after={"title": title, "year": year}, organisation=publisher
    )
    return round_


@transaction.atomic
def update_round(*, actor: Any, round_id: int, changes: dict[str, Any], scope: list[Any] | None = None) -> Round:
    """Change a round. Once published, only the window's end, the notice and the precheck mode change."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("publisher", "committee", "series")
        .get(pk=round_id)
    )
    require(actor, "round.manage", round_.publisher)
    if round_.status == RoundStatus.PUBLISHED:
        locked = [name for name in changes if name in LOCKED_AFTER_PUBLISH and changes[name] != getattr(round_, name)]
        if locked or scope is not None and set(scope) != set(round_.scope.all()):
            labels = [str(getattr(Round._meta.get_field(n), "verbose_name", n)) for n in locked] or ["受理范围"]
            raise DomainError("活动已发布，以下内容不能再修改：" + "、".join(labels) + "。")
    if "title" in changes:
        changes = {**changes, "title": clean_name(changes["title"], "活动名称")}
    before = {name: _plain(getattr(round_, name)) for name in changes}
    for name, value in changes.items():
        setattr(round_, name, value)
    if "specialties" in changes:
        round_.specialties = _codes("specialty", list(changes["specialties"]), "受理专业")
    if "routes" in changes:
        round_.routes = _codes("declaration_route", list(changes["routes"]), "申报方式")
    if "levels" in changes:
        round_.levels = _codes("level", list(changes["levels"]), "申报级别")
    round_.qualifications = _qualifications(round_.series, round_.levels)
    _check_round(round_)
    round_.save()
    if scope is not None:
        outside = [o.name for o in scope if not o.path.startswith(round_.publisher.path)]
        if outside:
            raise DomainError("受理范围只能在发布单位的管辖范围内：" + "、".join(outside))
        if not scope:
            raise DomainError("请至少选择一个受理范围。")
        round_.scope.set(scope)
    record_event(
        actor=actor,
        action="round.change",
        obj=round_,
        before=before,
        after={name: _plain(getattr(round_, name)) for name in changes},
        organisation=round_.publisher,
    )
    return round_


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def publish_round(*, actor: Any, round_id: int) -> Round:
    """发布: the round becomes visible in its scope and its declaration-shaping fields lock."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("publisher", "committee", "series")
        .get(pk=round_id)
    )
    require(actor, "round.manage", round_.publisher)
    if round_.status == RoundStatus.PUBLISHED:
        raise DomainError("该活动已发布。")
    _check_round(round_)
    if not round_.scope.exists():
        raise DomainError("请先设置受理范围。")
    if round_.closes_at <= timezone.now():
        raise DomainError("申报截止时间已过，请修改后再发布。")
    round_.qualifications = _qualifications(round_.series, round_.levels)
    round_.status = RoundStatus.PUBLISHED
    round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at", "qualifications", "updated_at"])
    record_event(actor=actor, action="round.publish", obj=round_, organisation=round_.publisher)
    return round_


def accepts(round_: Round, organisation: Any, at: dt.datetime | None = None) -> str:
    """Why `organisation` cannot declare in `round_` at `at` ("" when it can).

    The window is half-open: a round closing at 17:00:00 accepts 16:59:59 and refuses 17:00:00.
    """
    at = at or timezone.now()
    if round_.status != RoundStatus.PUBLISHED:
        return "该评审活动尚未发布。"
    if at < round_.opens_at:
        return f"申报尚未开始，开始时间：{timezone.localtime(round_.opens_at):%Y-%m-%d %H:%M:%S}。"
    if at >= round_.closes_at:
        return f"申报已截止（截止时间：{timezone.localtime(round_.closes_at):%Y-%m-%d %H:%M:%S}）。"
    if organisation is None or not any(organisation.path.startswith(s.path) for s in round_.scope.all()):
        return "您所在单位不在该评审活动的受理范围内。"
    return ""
