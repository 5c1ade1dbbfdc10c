"""The left menu, built from the capabilities the user holds."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse

from .policies import has_capability


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    action: str
    icon: str = "bi-circle"


@dataclass(frozen=True)
class MenuSection:
    label: str
    items: tuple[MenuItem, ...]


MENU: tuple[MenuSection, ...] = (
    MenuSection(
        "首页",
        (
            MenuItem("工作台", "system:home", "home.view", "bi-house"),
            MenuItem("个人信息", "accounts:profile", "home.view", "bi-person"),
            MenuItem("站内信", "notifications:inbox", "home.view", "bi-bell"),
            MenuItem("我的下载", "jobs:downloads", "home.view", "bi-download"),
            # 打印有关空白表格, for every staff role (the applicant prints their own forms from 审核记录).
            MenuItem("空白表格", "printing:blanks", "dictionary.view", "bi-printer"),
            MenuItem("业绩档案", "achievements:index", "achievement.manage", "bi-journal-bookmark"),
            MenuItem("我的申报", "declarations:mine", "declaration.declare", "bi-file-earmark-text"),
        ),
    ),
    MenuSection(
        "评审活动",
        (
            MenuItem("评审活动", "rounds:list", "round.view", "bi-megaphone"),
            MenuItem("评委会管理", "rounds:committees", "round.manage", "bi-people-fill"),
            MenuItem("专家库", "committees:experts", "expert.manage", "bi-person-badge"),
            MenuItem("评审结果", "committees:results", "round.manage", "bi-clipboard-data"),
            MenuItem("评后管理", "results:index", "result.manage", "bi-clipboard2-check"),
            MenuItem("本单位评审结果", "results:unit", "result.unit", "bi-card-list"),
            MenuItem("我的评审结果", "results:mine", "result.own", "bi-trophy"),
            MenuItem("评审会议", "committees:meetings", "meeting.manage", "bi-easel"),
            MenuItem("我的评审会议", "committees:my_meetings", "meeting.take_part", "bi-check2-square"),
            MenuItem("代表作评审", "committees:my_reviews", "meeting.take_part", "bi-eye-slash"),
            MenuItem("诚信档案", "eligibility:integrity", "integrity.view", "bi-shield-exclamation"),
        ),
    ),
    MenuSection(
        "单位管理",
        (
            MenuItem("单位信息", "organisations:employer_info", "employer.manage", "bi-building"),
            MenuItem("单位工作人员", "organisations:employer_staff", "employer.manage", "bi-people"),
            MenuItem("工作账号管理", "organisations:filing_accounts", "employer.manage", "bi-person-badge"),
            MenuItem("经办账号管理", "organisations:sub_accounts", "employer.manage", "bi-person-workspace"),
            MenuItem("导入经办账号", "organisations:sub_account_import", "employer.manage", "bi-person-plus"),
            MenuItem("导入单位工作人员", "organisations:staff_import", "employer.manage", "bi-people-fill"),
            MenuItem("管理材料", "reviews:manage", "declaration.fill", "bi-folder2-open"),
        ),
    ),
    MenuSection(
        "审核",
        (
            MenuItem("单位审核", "reviews:employer", "review.employer", "bi-clipboard-check"),
            MenuItem("待审核材料", "reviews:inbox", "review.inbox", "bi-inbox"),
            MenuItem("已受理名单", "reviews:accepted", "review.inbox", "bi-list-check"),
            MenuItem("交换数据包", "exchange:index", "exchange.manage", "bi-box-seam"),
            MenuItem("被退回的材料", "reviews:returned", "declaration.track", "bi-arrow-return-left"),
            MenuItem("上报材料跟踪", "reviews:tracking", "declaration.track", "bi-signpost-split"),
        ),
    ),
    MenuSection(
        "机构管理",
        (
            MenuItem("机构树", "organisations:tree", "organisation.view", "bi-diagram-3"),
            MenuItem("本级人员授权", "organisations:people", "people.manage", "bi-person-gear"),
            MenuItem("导入机构", "organisations:import", "organisation.import", "bi-upload"),
            MenuItem("导入原系统单位代码", "certificates:legacy_codes_import", "organisation.import", "bi-upc"),
        ),
    ),
    MenuSection(
        "证书管理",
        (
            MenuItem("证书信息", "certificates:list", "certificate.view", "bi-award"),
            MenuItem("证书编号", "certificates:numbering", "certificate.number", "bi-123"),
            MenuItem("导入证书信息", "certificates:import", "certificate.import", "bi-file-earmark-arrow-up"),
            MenuItem("本单位证书", "certificates:unit", "certificate.unit", "bi-award"),
            MenuItem("我的证书", "certificates:mine", "certificate.mine", "bi-patch-check"),
        ),
    ),
    MenuSection(
        "系统设置",
        (
            MenuItem("代码字典", "dictionaries:types", "dictionary.view", "bi-journal-text"),
            MenuItem("接收更新代码", "dictionaries:import", "dictionary.manage", "bi-cloud-arrow-down"),
            MenuItem("导入字典条目", "dictionaries:entry_import", "dictionary.manage", "bi-file-earmark-arrow-up"),
            MenuItem("参数设置", "system:policies", "policy.view", "bi-sliders"),
            MenuItem("工作日设置", "system:workdays", "policy.view", "bi-calendar3"),
            MenuItem("接口令牌", "api-tokens", "token.manage", "bi-key"),
            MenuItem("短信发件箱", "verification:outbox", "sms.outbox", "bi-envelope"),
            MenuItem("备份与恢复", "system:backups", "backup.manage", "bi-archive"),
        ),
    ),
    MenuSection(
        "安全审计",
        (
            MenuItem("操作日志", "audit:events", "audit.view", "bi-card-checklist"),
            MenuItem("登录日志", "audit:logins", "audit.view", "bi-box-arrow-in-right"),
        ),
    ),
)


# Pages that exist only in some installations (the development SMS outbox): the owning app says when.
_CONDITIONS: dict[str, Callable[[], bool]] = {}


def show_only_when(url_name: str, condition: Callable[[], bool]) -> None:
    """Hide the menu item of `url_name` unless `condition()` holds (called from an AppConfig.ready())."""
    _CONDITIONS[url_name] = condition


@lru_cache(maxsize=512)
def _url(url_name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def menu_for(user: Any) -> list[dict[str, Any]]:
    # The menu's addresses are the same on every page: reversed once per URL configuration and prefix.
    urlconf, prefix = get_urlconf(), get_script_prefix()
    sections = []
    for section in MENU:
        items = [
            {
                "label": item.label,
                "url": _url(item.url_name, urlconf, prefix),
                "icon": item.icon,
                "url_name": item.url_name,
            }
            for item in section.items
            if has_capability(user, item.action) and _CONDITIONS.get(item.url_name, _always)()
        ]
        if items:
            sections.append({"label": section.label, "items": items})
    return sections


def _always() -> bool:
    return True
