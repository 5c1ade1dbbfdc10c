from django.urls import path

from . import views

app_name = "printing"
urlpatterns = [
    path("declarations/<int:pk>/<slug:form>.pdf", views.declaration_form, name="declaration"),
    path("publicities/<int:pk>.pdf", views.publicity_form, name="publicity"),
    path("rounds/<int:pk>/summary.pdf", views.round_summary, name="summary"),
    path("rounds/<int:pk>/review-forms/", views.round_batch, name="batch"),
    path("meetings/<int:pk>/record.pdf", views.meeting_record_pdf, name="meeting_record"),
    path("meetings/<int:pk>/record/sign/", views.sign_meeting_record, name="sign_meeting_record"),
    path("blanks/", views.blanks, name="blanks"),
    path("blanks/<slug:form>.pdf", views.blank_form, name="blank"),
]
