"""Included at the site root (config/urls.py): the inbox pages and their API endpoints side by side."""

from django.urls import path

from . import api, views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:pk>/", views.open_message, name="open"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("api/v1/notifications/", api.NotificationListApi.as_view(), name="api-list"),
    path("api/v1/notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="api-read"),
]
