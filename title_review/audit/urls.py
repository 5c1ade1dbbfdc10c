from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("events/", views.events, name="events"),
    path("logins/", views.logins, name="logins"),
]
