from django.urls import path

from . import basic_info_views, employer_views, import_views, people_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/new/", views.create_child, name="create_child"),
    path("<int:pk>/disable/", views.disable, name="disable"),
    path("<int:pk>/enable/", views.enable, name="enable"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/admin/new/", people_views.recreate_admin, name="recreate_admin"),
    path("people/", people_views.people_page, name="people"),
    path("join/", people_views.join_unit, name="join_unit"),
    path("people/<int:pk>/", people_views.person_roles, name="person_roles"),
    path("accounts/<int:pk>/child-admin/", people_views.child_admin_action, name="child_admin_action"),
    path("accounts/<int:pk>/reset-employer/", people_views.reset_employer, name="reset_employer"),
    path("employer/filing-accounts/", people_views.filing_accounts, name="filing_accounts"),
    path("employer/filing-accounts/<int:pk>/", people_views.edit_filing_account, name="filing_account_edit"),
    path("employer/register/", employer_views.register, name="employer_register"),
    path("employer/register/name/", employer_views.name_lookup, name="employer_name_lookup"),
    path("employer/password/reset/", employer_views.password_reset, name="employer_password_reset"),
    path("employer/", basic_info_views.info, name="employer_info"),
    path("employer/rename/", basic_info_views.rename, name="employer_rename"),
    path("name-changes/<int:pk>/withdraw/", basic_info_views.withdraw, name="rename_withdraw"),
    path("name-changes/<int:pk>/approve/", basic_info_views.approve, name="rename_approve"),
    path("name-changes/<int:pk>/refuse/", basic_info_views.refuse, name="rename_refuse"),
    path("employer/move/", employer_views.move, name="employer_move"),
    path("employer/seal.png", employer_views.seal_image, name="employer_seal"),
    path("employer/staff/", employer_views.staff, name="employer_staff"),
    path("employer/staff/import/", import_views.staff_import, name="staff_import"),
    path("employer/staff/import/template.xlsx", import_views.staff_template, name="staff_import_template"),
    path("employer/sub-accounts/", employer_views.sub_accounts, name="sub_accounts"),
    path("employer/sub-accounts/import/", import_views.sub_account_import, name="sub_account_import"),
    path(
        "employer/sub-accounts/import/template.xlsx",
        import_views.sub_account_template,
        name="sub_account_import_template",
    ),
    path("employer/sub-accounts/<int:pk>/", employer_views.edit_sub_account, name="sub_account_edit"),
]
