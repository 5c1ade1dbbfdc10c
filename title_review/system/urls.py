from django.urls import path

from . import views

app_name = "system"
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("system/policies/", views.policies, name="policies"),
    path("system/workdays/", views.workdays, name="workdays"),
    path("system/workdays/<int:pk>/delete/", views.workday_delete, name="workday_delete"),
    path("system/backups/", views.backup_list, name="backups"),
    path("system/backups/start/", views.backup_start, name="backup_start"),
]
