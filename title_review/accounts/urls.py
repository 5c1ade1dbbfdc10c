from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("resume/", views.resume_post, name="resume"),
    path("register/", views.register, name="register"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/change/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("identity/", views.complete_identity, name="complete_identity"),
    path("profile/phone/", views.change_phone, name="change_phone"),
    path("agreement/<slug:name>/", views.agreement, name="agreement"),
]
