from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/<int:pk>/receive/", views.receive, name="receive"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/publicise/", views.publicise, name="publicise"),
    path("batches/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("batches/<int:pk>/document.pdf", views.document, name="document"),
    path("objections/<int:pk>/handle/", views.handle, name="handle"),
    path("approvals/<int:pk>/", views.approvals, name="approvals"),
    path("import/", views.import_results, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("unit/", views.unit, name="unit"),
    path("unit/export.xlsx", views.unit_export, name="unit_export"),
    path("mine/", views.mine, name="mine"),
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/objection/", views.objection, name="objection"),
]
