from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("import/", views.certificate_import, name="import"),
    path("import/template.xlsx", views.certificate_template, name="import_template"),
    path("legacy-codes/import/", views.legacy_code_import, name="legacy_codes_import"),
    path("legacy-codes/import/template.xlsx", views.legacy_code_template, name="legacy_codes_template"),
    path("numbering/", views.numbering, name="numbering"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/certificate.pdf", views.ecert_download, name="download"),
    path("mine/", views.mine, name="mine"),
    path("unit/", views.unit, name="unit"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:token>/", views.verify_token, name="verify_token"),
]
