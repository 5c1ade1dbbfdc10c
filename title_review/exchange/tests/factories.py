"""Accepted declarations and packages for the exchange tests, made through the real services."""

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from zoneinfo import ZoneInfo

from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.dictionaries.models import Entry
from title_review.exchange.services import export_package
from title_review.organisations.models import Organisation
from title_review.reviews import services as reviews
from title_review.reviews.tests.factories import submit_for
from title_review.rounds import services as rounds

SHANGHAI = ZoneInfo("Asia/Shanghai")
EMPLOYER_ADMINS = {"杭州第二中学": "schooladmin", "杭州市第一人民医院": "hospitaladmin"}
DESK_REVIEWERS = {
    "杭州市教育局直属学校管理中心": "zsadmin",
    "杭州市教育局": "jyjadmin",
    "杭州市卫生健康委员会": "wjwadmin",
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _fresh(declaration: Declaration) -> Declaration:
    return Declaration.objects.select_related("current_org", "employer").get(pk=declaration.pk)


def publish_round(title: str = "2026年度中小学教师职称评审"):
    """The 杭州市职改办's published 中小学教师 round for the 卫健委 and 教育局 subtrees (as reviews' conftest)."""
    admin = _user("hzadmin")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    round_ = rounds.create_round(
        actor=admin,
        publisher=Organisation.objects.get(name="杭州市职称工作领导小组办公室"),
        title=title,
        year=2026,
        kind="review",
        series=series,
        committee=None,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime.now(tz=SHANGHAI) + dt.timedelta(days=60),
    )
    rounds.update_round(
        actor=admin,
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=list(Organisation.objects.filter(name__in=["杭州市卫生健康委员会", "杭州市教育局"])),
    )
    return rounds.publish_round(actor=admin, round_id=round_.pk)


def accept_through_chain(declaration: Declaration) -> Declaration:
    """Employer pass, publicity from 2026-09-30 (long over), 上报, every department level, 资格审查, 受理."""
    declaration = _fresh(declaration)
    employer = _user(EMPLOYER_ADMINS[declaration.employer.name])
    reviews.employer_pass(
        actor=employer, declaration_id=declaration.pk, version=declaration.version, opinion="经审核，同意推荐。"
    )
    reviews.start_publicity(
        actor=employer,
        employer_id=declaration.employer_id,
        declaration_ids=[declaration.pk],
        starts_on=dt.date(2026, 9, 30),
        place="公告栏",
    )
    d = _fresh(declaration)
    reviews.forward(
        actor=employer,
        employer_id=d.employer_id,
        items=[(d.pk, d.version)],
        operator_name="经办人",
        operator_phone="0571-88888888",
    )
    d = _fresh(d)
    while d.status == Status.IN_REVIEW:
        reviewer = _user(DESK_REVIEWERS[d.current_org.name])
        reviews.department_pass(actor=reviewer, declaration_id=d.pk, version=d.version)
        d = _fresh(d)
    checker = _user("hzcheck")
    for key, _label in reviews.check_items_of(d):
        reviews.check_item(actor=checker, declaration_id=d.pk, key=key, verified=True)
    reviews.accept(actor=checker, declaration_id=d.pk, version=_fresh(d).version)
    d = _fresh(d)
    assert d.status == Status.ACCEPTED
    return d


def accepted_for(username: str, round_) -> Declaration:
    return accept_through_chain(submit_for(_user(username), round_))


def export_bytes(actor, round_id: int, declaration_ids: list[int] | None = None) -> bytes:
    out = io.BytesIO()
    export_package(actor=actor, round_id=round_id, out=out, declaration_ids=declaration_ids)
    return out.getvalue()


# ---- zips, as someone with a zip tool would change them ------------------------------------------


def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def build(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def rewrite(package: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The package with one member's content changed (the zip itself stays well-formed)."""
    files = members(package)
    files[name] = change(files[name])
    return build(files)


def flip(content: bytes, position: int) -> bytes:
    return content[:position] + bytes([content[position] ^ 0xFF]) + content[position + 1 :]


def member_data_offset(package: bytes, name: str) -> int:
    """Where a member's (stored) bytes start inside the zip file: after its local header."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset
    name_length = int.from_bytes(package[start + 26 : start + 28], "little")
    extra_length = int.from_bytes(package[start + 28 : start + 30], "little")
    return start + 30 + name_length + extra_length
