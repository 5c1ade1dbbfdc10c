from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.downloads, name="downloads"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
