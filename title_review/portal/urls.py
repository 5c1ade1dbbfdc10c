from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/files/<int:pk>/", views.notice_file, name="notice_file"),
]
