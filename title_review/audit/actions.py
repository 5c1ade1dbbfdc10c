"""Audit action codes and the Chinese names the 操作日志 page shows."""

ACTION_LABELS: dict[str, str] = {
    "organisation.create": "新增机构",
    "organisation.change": "修改机构",
    "organisation.disable": "停用机构",
    "organisation.enable": "启用机构",
    "organisation.remove": "删除机构",
    "organisation.import": "导入机构",
    "account.create": "新增账号",
    "account.password_change": "修改密码",
    "account.password_reset": "重置密码",
    "dictionary.entry_create": "新增字典条目",
    "dictionary.entry_change": "修改字典条目",
    "dictionary.entry_disable": "停用字典条目",
    "dictionary.entry_enable": "启用字典条目",
    "dictionary.import": "接收更新代码",
    "dictionary.export": "导出基本代码",
    "audit.export": "导出日志",
    "policy.change": "修改参数",
}

LOGIN_EVENT_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
}
