from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("employer/", views.employer_desk, name="employer"),
    path("employer/publicity/", views.start_publicity, name="start_publicity"),
    path("employer/publicity/<int:pk>/", views.publicity, name="publicity"),
    path("employer/publicity/<int:pk>/objection/", views.objection, name="objection"),
    path("employer/publicity/<int:pk>/objection/<int:objection_id>/", views.handle_objection, name="handle_objection"),
    path("employer/forward/", views.forward, name="forward"),
    path("employer/opinions/", views.opinion_settings, name="opinion_settings"),
    path("manage/", views.manage, name="manage"),
    path("manage/columns/", views.manage_columns, name="manage_columns"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/batch-pass/", views.batch_pass, name="batch_pass"),
    path("inbox/columns/", views.inbox_columns, name="inbox_columns"),
    path("returned/", views.returned, name="returned"),
    path("accepted/", views.accepted, name="accepted"),
    path("accepted/columns/", views.accepted_columns, name="accepted_columns"),
    path("track/", views.tracking, name="tracking"),
    path("track/columns/", views.tracking_columns, name="tracking_columns"),
    path("track/<int:pk>/", views.detail, name="detail"),
    path("track/<int:pk>/decide/", views.decide, name="decide"),
    path("track/<int:pk>/print/", views.print_form, name="print"),
    path("track/<int:pk>/seal.png", views.seal, name="seal"),
]
