from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("conditions/", views.conditions, name="conditions"),
    path("integrity/", views.integrity_list, name="integrity"),
    path("integrity/new/", views.integrity_new, name="integrity_new"),
    path("integrity/<int:pk>/lift/", views.integrity_lift, name="integrity_lift"),
]
