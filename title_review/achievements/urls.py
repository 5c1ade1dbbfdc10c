from django.urls import path

from . import views

app_name = "achievements"
urlpatterns = [
    path("", views.record_page, name="index"),
    path("<slug:section>/", views.record_page, name="section"),
    path("<slug:section>/<int:pk>/edit/", views.edit_record, name="edit"),
    path("<slug:section>/<int:pk>/delete/", views.delete_record, name="delete"),
]
