from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("tracking/", views.tracking, name="tracking"),
    path("accepted/", views.accepted, name="accepted"),
    path("declarations/", views.declarations, name="declarations"),
    path("rounds/<int:pk>/", views.round_summary, name="round"),
    path("meetings/<int:pk>/results/", views.meeting_results, name="meeting_results"),
]
