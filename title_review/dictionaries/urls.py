from django.urls import path

from . import views

app_name = "dictionaries"
urlpatterns = [
    path("", views.types, name="types"),
    path("types/<slug:code>/", views.entries, name="entries"),
    path("entries/<int:pk>/edit/", views.edit_entry, name="edit_entry"),
    path("entries/<int:pk>/toggle/", views.toggle_entry, name="toggle_entry"),
    path("export.<str:fmt>", views.export, name="export"),
    path("import/", views.import_codeset, name="import"),
    path("entries/import/", views.import_entries, name="entry_import"),
    path("entries/import/template.xlsx", views.entry_import_template, name="entry_import_template"),
]
