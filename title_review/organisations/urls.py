from django.urls import path

from . import views

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
]
