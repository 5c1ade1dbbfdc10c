from django.urls import path

from . import views

app_name = "committees"
urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("draw/", views.draw, name="draw"),
    path("meetings/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("meetings/<int:pk>/start/", views.start, name="start"),
    path("meetings/<int:pk>/ballots/", views.open_ballot, name="open_ballot"),
    path("meetings/<int:pk>/close/", views.close, name="close"),
    path("ballots/<int:pk>/close/", views.close_ballot, name="close_ballot"),
    path("meetings/<int:pk>/panels/", views.form_panel, name="form_panel"),
    path("meetings/<int:pk>/assign/", views.assign, name="assign"),
    path("meetings/<int:pk>/blind/", views.send_blind, name="send_blind"),
    path("panels/<int:pk>/remind/", views.remind, name="remind"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.my_review, name="my_review"),
    path("experts/", views.experts, name="experts"),
    path("experts/<int:pk>/approve/", views.approve_expert, name="approve_expert"),
    path("experts/<int:pk>/remove/", views.remove_expert, name="remove_expert"),
    path("experts/<int:pk>/relations/", views.record_relation, name="record_relation"),
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.meeting_results, name="meeting_results"),
    path("mine/", views.my_meetings, name="my_meetings"),
    path("relations/", views.my_relations, name="my_relations"),
    path("mine/<int:pk>/", views.my_meeting, name="my_meeting"),
    path("mine/<int:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("ballots/<int:pk>/vote/", views.vote, name="vote"),
    path("assignments/<int:pk>/opinion/", views.opinion, name="opinion"),
]
