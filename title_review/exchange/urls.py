from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.select, name="select"),
    path("export/", views.export, name="export"),
    path("import/", views.import_page, name="import"),
    path("received/", views.received, name="received"),
    path("received/<int:pk>/", views.received_detail, name="received_detail"),
    path("received/<int:pk>/files/<int:file_pk>/", views.received_file, name="received_file"),
]
