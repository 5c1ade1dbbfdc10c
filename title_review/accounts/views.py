from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from title_review.access.decorators import authenticated, public
from title_review.audit.services import record_login
from title_review.core.errors import DomainError

from . import services
from .forms import LoginForm, PasswordChangeForm


@method_decorator(public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_login(
            username=form.get_user().username,
            user=form.get_user(),
            event="login",
            success=True,
            user_agent=self.request.headers.get("user-agent", ""),
        )
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        record_login(
            username=self.request.POST.get("username", ""),
            user=None,
            event="login_failed",
            success=False,
            user_agent=self.request.headers.get("user-agent", ""),
        )
        return super().form_invalid(form)


login_view = public(LoginView.as_view())


@authenticated
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    record_login(
        username=request.user.get_username(),
        user=request.user,
        event="logout",
        success=True,
        user_agent=request.headers.get("user-agent", ""),
    )
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@authenticated
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                user=request.user,  # type: ignore[arg-type]  # authenticated view
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]  # authenticated view
            messages.success(request, "密码已修改。")
            return redirect("system:home")
    forced = getattr(request.user, "must_change_password", False)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})
