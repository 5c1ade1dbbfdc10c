from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("captcha/new/", views.captcha_new, name="captcha_new"),
    path("captcha/<slug:key>.png", views.captcha_image, name="captcha_image"),
    path("sms/send/", views.sms_send, name="sms_send"),
    path("outbox/", views.outbox, name="outbox"),
]
