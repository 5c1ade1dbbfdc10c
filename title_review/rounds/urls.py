from django.urls import path

from . import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_new, name="new"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/publish/", views.round_publish, name="publish"),
    path("committees/", views.committees, name="committees"),
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
]
