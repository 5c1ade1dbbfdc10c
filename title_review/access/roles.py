"""Roles and the capability table: the one list of who may do what, and over which scope."""

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    OFFICE_ADMIN = "office_admin", _("职改办管理员")
    PUBLISHER = "publisher", _("评审活动发布")
    QUALIFICATION_REVIEWER = "qualification_reviewer", _("资格审查经办")
    RETURN_REVIEWER = "return_reviewer", _("退回审查")
    CERTIFICATE_OFFICER = "certificate_officer", _("证书管理")
    DEPARTMENT_ADMIN = "department_admin", _("主管部门管理员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("主管部门审核员")
    EMPLOYER_ADMIN = "employer_admin", _("单位管理员")
    EMPLOYER_STAFF = "employer_staff", _("单位工作人员")
    COMMITTEE_SECRETARY = "committee_secretary", _("评委会秘书")
    EXPERT = "expert", _("评审专家")
    APPLICANT = "applicant", _("申报人")
    INTEGRATION = "integration", _("接口账号")


class Scope(enum.Enum):
    """How far a grant on an organisation reaches."""

    SUBTREE = "subtree"  # the organisation and everything below it
    BELOW = "below"  # strictly below it: an office manages its children, not itself
    OWN = "own"  # that organisation alone
    ROOT = "root"  # only when granted on a root organisation (the province)


# Roles whose grant covers the organisation's subtree; the others cover their own organisation.
SUBTREE_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
        Role.OFFICE_ADMIN,
        Role.PUBLISHER,
        Role.QUALIFICATION_REVIEWER,
        Role.RETURN_REVIEWER,
        Role.CERTIFICATE_OFFICER,
        Role.DEPARTMENT_ADMIN,
        Role.DEPARTMENT_REVIEWER,
        Role.INTEGRATION,
    }
)

_ORG_MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.OFFICE_ADMIN, Role.DEPARTMENT_ADMIN})
_STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Everyone a declaration can concern: its applicant, its employer, the levels that review it.
DECLARATION_ROLES = frozenset(
    {
        Role.APPLICANT,
        Role.EMPLOYER_ADMIN,
        Role.EMPLOYER_STAFF,
        Role.DEPARTMENT_ADMIN,
        Role.DEPARTMENT_REVIEWER,
        Role.OFFICE_ADMIN,
        Role.QUALIFICATION_REVIEWER,
        Role.RETURN_REVIEWER,
    }
)

# action -> (roles that may do it, scope measured from the granting organisation)
CAPABILITIES: dict[str, tuple[frozenset[Role], Scope]] = {
    "home.view": (frozenset(Role), Scope.SUBTREE),
    "organisation.view": (
        _ORG_MANAGERS | {Role.EMPLOYER_ADMIN, Role.SECURITY_ADMIN} | (SUBTREE_ROLES - {Role.AUDIT_ADMIN}),
        Scope.SUBTREE,
    ),
    "organisation.create_child": (_ORG_MANAGERS, Scope.SUBTREE),
    "organisation.change": (_ORG_MANAGERS, Scope.BELOW),
    "organisation.disable": (_ORG_MANAGERS, Scope.BELOW),
    "organisation.remove": (_ORG_MANAGERS, Scope.BELOW),
    "organisation.import": (_ORG_MANAGERS, Scope.SUBTREE),
    "organisation.export": (_ORG_MANAGERS, Scope.SUBTREE),
    # 评审活动: everyone signed in finds published rounds; offices and committee hosts publish them.
    "round.view": (frozenset(Role) - {Role.INTEGRATION}, Scope.SUBTREE),
    "round.manage": (frozenset({Role.OFFICE_ADMIN, Role.PUBLISHER, Role.DEPARTMENT_ADMIN}), Scope.SUBTREE),
    # 业绩档案: a person keeps their own record library.
    "achievement.manage": (frozenset({Role.APPLICANT}), Scope.OWN),
    # 申报材料: the applicant's own (by owner, in the selector), and employers and reviewers above them.
    "declaration.view": (
        frozenset(
            {
                Role.EMPLOYER_ADMIN,
                Role.EMPLOYER_STAFF,
                Role.DEPARTMENT_ADMIN,
                Role.DEPARTMENT_REVIEWER,
                Role.OFFICE_ADMIN,
                Role.QUALIFICATION_REVIEWER,
                Role.RETURN_REVIEWER,
            }
        ),
        Scope.SUBTREE,
    ),
    "declaration.declare": (frozenset({Role.APPLICANT}), Scope.OWN),
    # 申报材料 pages (dossier, 提交, 评审表预览): the applicant, and the employer's staff ticked 填写材料.
    # Which declaration: access.declarations (purpose FILL).
    "declaration.edit": (frozenset({Role.APPLICANT, Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF}), Scope.OWN),
    # 上报材料跟踪, 被退回的材料, 审核记录: everyone a declaration can concern — its applicant, its employer,
    # the levels above. Which declarations: access.declarations (purpose VIEW).
    "declaration.track": (DECLARATION_ROLES, Scope.SUBTREE),
    # 填写材料 / 管理材料: the employer's administrator, and 工作账号 ticked 填写材料.
    "declaration.fill": (frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF}), Scope.OWN),
    # 审核链 (reviews/): each level decides only at its own desk (the organisation holding the declaration).
    # Employer review, 单位内部公示 and 上报材料: the administrator, and 工作账号 ticked 上报材料.
    "review.employer": (frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF}), Scope.OWN),
    # The employer's own declarations once submitted (工作账号 ticked 查看).
    "review.employer_view": (frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF}), Scope.OWN),
    # Internal opinion slots (院系考核, 师德, 教学, 论文审核, 思政): the slot's own tick is checked by the service.
    "review.opinion": (frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF}), Scope.OWN),
    # Competent departments, and title offices between the employer and the accepting office.
    "review.department": (
        frozenset({Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER, Role.OFFICE_ADMIN}),
        Scope.OWN,
    ),
    # 待审核材料 and 上报材料跟踪 for the levels above the employer.
    "review.inbox": (
        frozenset(
            {
                Role.DEPARTMENT_ADMIN,
                Role.DEPARTMENT_REVIEWER,
                Role.OFFICE_ADMIN,
                Role.QUALIFICATION_REVIEWER,
                Role.RETURN_REVIEWER,
            }
        ),
        Scope.SUBTREE,
    ),
    # 资格审查 at the accepting title office: 资格审查经办 verifies, accepts, rejects; 退回审查 returns.
    "review.qualification": (frozenset({Role.QUALIFICATION_REVIEWER}), Scope.OWN),
    "review.return": (frozenset({Role.RETURN_REVIEWER}), Scope.OWN),
    # 工作日设置: the province's override table for the working-day calendar.
    "workday.manage": (frozenset({Role.SYSTEM_ADMIN, Role.OFFICE_ADMIN}), Scope.ROOT),
    # 诚信档案: title offices record integrity bans; reviewers read them.
    "integrity.view": (
        frozenset({Role.OFFICE_ADMIN, Role.QUALIFICATION_REVIEWER, Role.RETURN_REVIEWER}),
        Scope.SUBTREE,
    ),
    "integrity.manage": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # 打印 (PDF forms): whoever may see the declaration; a 工作账号 needs the 打印 tick.
    "declaration.print": (DECLARATION_ROLES, Scope.SUBTREE),
    # Full identity and phone numbers in exports and PDFs (each full view audited); others see them masked.
    "identity.full": (
        frozenset({Role.OFFICE_ADMIN, Role.QUALIFICATION_REVIEWER, Role.RETURN_REVIEWER, Role.CERTIFICATE_OFFICER}),
        Scope.SUBTREE,
    ),
    # 评审会议 and its ballots: the committee's secretary, at the committee's host (ADR 0030).
    "meeting.manage": (frozenset({Role.COMMITTEE_SECRETARY}), Scope.OWN),
    # 评审专家: their own seats at meetings (签到, 投票, 评议意见).
    "meeting.take_part": (frozenset({Role.EXPERT}), Scope.OWN),
    # 专家库: the title office approves experts of units in its subtree and takes them out.
    "expert.manage": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # 交换数据包: export accepted declarations of a round, import a package (committee stage, other installs).
    "exchange.manage": (
        frozenset({Role.OFFICE_ADMIN, Role.QUALIFICATION_REVIEWER, Role.COMMITTEE_SECRETARY}),
        Scope.SUBTREE,
    ),
    # 证书信息 (legacy certificate records and, later, issued certificates).
    "certificate.view": (frozenset({Role.OFFICE_ADMIN, Role.CERTIFICATE_OFFICER}), Scope.SUBTREE),
    "certificate.import": (frozenset({Role.OFFICE_ADMIN, Role.CERTIFICATE_OFFICER}), Scope.SUBTREE),
    # 证书编号: the 待编号 certificates of the subtree get their 证书编号, 发文字号 and 发证单位.
    "certificate.number": (frozenset({Role.OFFICE_ADMIN, Role.CERTIFICATE_OFFICER}), Scope.SUBTREE),
    # 撤销证书: also writes the holder into the 诚信档案, so only those who hold integrity.manage.
    "certificate.revoke": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # 电子证书: the holder's unit downloads its people's certificates; the applicant their own (我的证书).
    "certificate.unit": (frozenset({Role.EMPLOYER_ADMIN}), Scope.OWN),
    "certificate.mine": (frozenset({Role.APPLICANT}), Scope.OWN),
    # 评后管理 (title_review/results, ADR 0038): the title office that published the round receives the results,
    # 审批 初定 / 认定, confirms and issues the 发文; it starts the 公示 and handles the objections (异议).
    "result.manage": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    "result.publicise": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    "objection.handle": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # Results back: a unit (and its competent department) sees its own people's results; the applicant their own.
    "result.unit": (frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_STAFF, Role.DEPARTMENT_ADMIN}), Scope.SUBTREE),
    "result.own": (frozenset({Role.APPLICANT}), Scope.OWN),
    # 本级人员授权: an organisation's administrator adds its own people and ticks their roles (the roles a
    # kind of organisation may hand out: GRANTABLE_ROLES). At the province the 安全管理员 does it instead
    # (三员分立); access.people holds that rule.
    "people.manage": (
        frozenset({Role.OFFICE_ADMIN, Role.DEPARTMENT_ADMIN, Role.EMPLOYER_ADMIN, Role.SECURITY_ADMIN}),
        Scope.OWN,
    ),
    # The administrator of a direct child organisation: reset its password, disable it, 注销/重建 it.
    "people.child_admin": (frozenset({Role.SECURITY_ADMIN, Role.OFFICE_ADMIN, Role.DEPARTMENT_ADMIN}), Scope.OWN),
    # A 职改办 resets the password of an employer's administrator anywhere below it.
    "people.reset_employer": (frozenset({Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # 单位管理: basic information, staff, 工作账号, 归口部门 — the employer's own administrator.
    "employer.manage": (frozenset({Role.EMPLOYER_ADMIN}), Scope.OWN),
    # 单位更名审核: the unit's 归口部门 (its direct parent: an office, a department, or a 人才服务局 whose
    # administrator is an employer_admin) approves or returns a pending rename. Granted at the parent, so
    # access.scoped reads it against the unit's parent path.
    "employer.rename_decide": (_ORG_MANAGERS | {Role.EMPLOYER_ADMIN}, Scope.OWN),
    # 接口账号: integration tokens, created by an organisation's administrator for its subtree.
    "token.manage": (_ORG_MANAGERS | {Role.EMPLOYER_ADMIN}, Scope.SUBTREE),
    "dictionary.view": (_STAFF_ROLES, Scope.SUBTREE),
    # 字典由省级维护: only the province's office or system administrator changes code tables.
    "dictionary.manage": (frozenset({Role.SYSTEM_ADMIN, Role.OFFICE_ADMIN}), Scope.ROOT),
    "policy.view": (frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.OFFICE_ADMIN}), Scope.SUBTREE),
    # Policy numbers are the province's: only its system or office administrator changes them.
    "policy.manage": (frozenset({Role.SYSTEM_ADMIN, Role.OFFICE_ADMIN}), Scope.ROOT),
    # 备份与恢复: the province's system administrator lists the archives and starts a backup (restore stays a
    # command on the server). An archive holds every password hash and identity number: nobody else.
    "backup.manage": (frozenset({Role.SYSTEM_ADMIN}), Scope.ROOT),
    # Development SMS outbox (the default SMS backend delivers there instead of to phones).
    "sms.outbox": (frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}), Scope.SUBTREE),
    # 三员分立: the audit administrator alone reads the logs; the system administrator cannot.
    "audit.view": (frozenset({Role.AUDIT_ADMIN}), Scope.SUBTREE),
}


# A 工作账号 (employer_staff) holds an action only when the employer ticked the matching permission.
SUB_ACCOUNT_PERMISSION: dict[str, str] = {
    "declaration.fill": "fill",
    "declaration.edit": "fill",
    "declaration.view": "view",
    "review.employer": "submit",
    "review.employer_view": "view",
    "declaration.print": "print",
    "result.unit": "view",
}


# Roles that do not hold a capability when granted at the root (the province): there, 三员分立 gives
# account and role management to the 安全管理员, not to the 职改办管理员.
NOT_AT_ROOT: dict[str, frozenset[Role]] = {"people.manage": frozenset({Role.OFFICE_ADMIN})}

# A 个人申报账号 (account kind "filing") files only when its unit ticked 填写申报材料.
FILING_PERMISSION: dict[str, str] = {
    "declaration.declare": "declare",
    "declaration.edit": "declare",
    "achievement.manage": "declare",
}


def scope_of(role: str, capability_scope: Scope) -> Scope:
    """A role limited to its own organisation never reaches further than that."""
    if capability_scope in (Scope.SUBTREE, Scope.BELOW) and role not in SUBTREE_ROLES:
        return Scope.OWN
    return capability_scope


# 本级人员授权: the roles each kind of organisation may hand out to its own people. The province (the root
# title office) holds the 三员 and the provincial desks; a city or county office its desks; a competent
# department its reviewers; an employer only its administrators (its operators are 经办账号 and its
# applicants 个人申报账号, each on their own page).
GRANTABLE_ROLES: dict[str, frozenset[Role]] = {
    "province": frozenset(
        {
            Role.SYSTEM_ADMIN,
            Role.SECURITY_ADMIN,
            Role.AUDIT_ADMIN,
            Role.OFFICE_ADMIN,
            Role.PUBLISHER,
            Role.QUALIFICATION_REVIEWER,
            Role.RETURN_REVIEWER,
            Role.CERTIFICATE_OFFICER,
            Role.COMMITTEE_SECRETARY,
        }
    ),
    "title_office": frozenset(
        {
            Role.OFFICE_ADMIN,
            Role.PUBLISHER,
            Role.QUALIFICATION_REVIEWER,
            Role.RETURN_REVIEWER,
            Role.CERTIFICATE_OFFICER,
            Role.COMMITTEE_SECRETARY,
        }
    ),
    "department": frozenset(
        {Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER, Role.PUBLISHER, Role.COMMITTEE_SECRETARY}
    ),
    "employer": frozenset({Role.EMPLOYER_ADMIN}),
    "agency": frozenset({Role.EMPLOYER_ADMIN}),
}
# Who manages the people of an organisation of that kind (and so must never be disabled to nobody).
PEOPLE_MANAGERS: dict[str, frozenset[Role]] = {
    "province": frozenset({Role.SECURITY_ADMIN}),
    "title_office": frozenset({Role.OFFICE_ADMIN}),
    "department": frozenset({Role.DEPARTMENT_ADMIN}),
    "employer": frozenset({Role.EMPLOYER_ADMIN}),
    "agency": frozenset({Role.EMPLOYER_ADMIN}),
}
# The administrator an organisation is created with (and that its parent resets or re-creates).
ADMIN_ROLE: dict[str, Role] = {
    "province": Role.OFFICE_ADMIN,
    "title_office": Role.OFFICE_ADMIN,
    "department": Role.DEPARTMENT_ADMIN,
    "employer": Role.EMPLOYER_ADMIN,
    "agency": Role.EMPLOYER_ADMIN,
}
# 三员分立: one account holds at most one of the three.
SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def organisation_class(kind: str, is_root: bool) -> str:
    """The key of GRANTABLE_ROLES for an organisation: its kind, or "province" for the root office."""
    return "province" if is_root else str(kind)
