from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from title_review.access.decorators import authenticated, public
from title_review.audit.services import record_login
from title_review.core.clientip import client_ip
from title_review.core.errors import DomainError
from title_review.core.forms import attach_error
from title_review.core.identity import mask_identity, mask_phone
from title_review.verification.captcha import check_captcha, new_captcha

from . import resume, security, services
from .forms import (
    BasicInformationForm,
    ChangePhoneForm,
    IdentityForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationForm,
)
from .middleware import _expired


@method_decorator(public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = security.login_key(request.POST.get("username", ""))
        # Counted before the password is checked, so attempts arriving together cannot outrun the count.
        attempt = security.reserve_attempt(username=username, ip=client_ip(request))
        if attempt.locked:
            return self._refuse(username, attempt.lockout_message, event="login_locked")
        if attempt.needs_captcha:
            try:
                solved = check_captcha(
                    request, request.POST.get("captcha_key", ""), request.POST.get("captcha_answer", "")
                )
            except DomainError as exc:  # the shared cache is down (系统繁忙): refused, not a 500 page
                return self._refuse(username, exc.message, event="login_failed")
            if not solved:
                return self._refuse(username, "图形验证码不正确，请重新输入。", event="login_failed")
        return super().post(request, *args, **kwargs)

    def _refuse(self, key: str, message: str, *, event: str) -> HttpResponse:
        record_login(
            username=key,
            user=None,
            event=event,
            success=False,
            user_agent=self.request.headers.get("user-agent", ""),
        )
        # An unbound form keeps the typed login name without running authentication again.
        form = self.form_class(self.request, initial={"username": self.request.POST.get("username", "").strip()})
        return self.render_to_response(self.get_context_data(form=form, refusal=message))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        typed = self.request.POST.get("username", "").strip()
        if typed and security.needs_captcha(username=security.login_key(typed), ip=client_ip(self.request)):
            context["captcha_key"] = new_captcha(self.request)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security.succeeded(username=form.get_user().username, ip=client_ip(self.request))
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
            username=security.login_key(self.request.POST.get("username", "")),
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
def resume_post(request: HttpRequest) -> HttpResponse:
    """继续提交: the form this person sent when their login had lapsed (accounts.resume), to send again or leave."""
    pending = resume.take(request)
    if pending is None:
        messages.info(request, "没有需要继续提交的内容。")
        return redirect("system:home")
    return render(request, "accounts/resume.html", {"pending": pending})


@authenticated
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    ip = client_ip(request)
    locked = security.reauth_locked(user=request.user, ip=ip) if request.method == "POST" else 0
    if locked:
        form.add_error(None, f"原密码输错次数过多，请 {locked} 分钟后再试。")
    elif request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                user=request.user,  # type: ignore[arg-type]  # authenticated view
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            if exc.message == services.WRONG_OLD_PASSWORD:
                security.reauth_failed(user=request.user, ip=ip)
            form.add_error(None, exc.message)
        else:
            security.reauth_succeeded(user=request.user, ip=ip)
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]  # authenticated view
            messages.success(request, "密码已修改。")
            # Made to change it right after signing in again with a form kept from the lapsed login: 继续提交 next.
            return redirect("accounts:resume" if resume.SESSION_KEY in request.session else "system:home")
    forced = getattr(request.user, "must_change_password", False)
    expired = not forced and _expired(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced, "expired": expired})


@authenticated
def complete_identity(request: HttpRequest) -> HttpResponse:
    """完善身份信息: a 个人申报账号's holder gives their name and identity number once."""
    user: Any = request.user
    if getattr(user, "kind", "") != "filing" or user.person_id is not None:
        raise Http404
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_identity(
                user=user,
                real_name=form.cleaned_data["real_name"],
                id_type=form.cleaned_data["id_type"],
                id_number=form.cleaned_data["id_number"],
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, "身份信息已保存，可以开始申报。")
            return redirect("system:home")
    return render(request, "accounts/complete_identity.html", {"form": form})


_PERSON_FIELD_HINTS = {
    "real_name": ("姓名",),
    "id_number": ("证件号码", "出生日期", "身份证"),
    "phone": ("手机号码",),
    "sms_code": ("短信验证码", "验证码"),
    "password": ("密码至少", "密码"),
    "agree": ("协议",),
}


@public
def register(request: HttpRequest) -> HttpResponse:
    """个人注册."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_person(
                real_name=data["real_name"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                phone=data["phone"],
                sms_code=data["sms_code"],
                password=data["password"],
                agreement_version=services.AGREEMENT_VERSION,
            )
        except DomainError as exc:
            attach_error(form, exc.message, _PERSON_FIELD_HINTS)
        else:
            messages.success(request, "注册成功，请用手机号码或证件号码登录。")
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form, "captcha_key": new_captcha(request)})


@public
def password_reset(request: HttpRequest) -> HttpResponse:
    """忘记密码 (personal accounts, by SMS)."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reset_password_by_sms(
                phone=data["phone"], sms_code=data["sms_code"], new_password=data["new_password"]
            )
        except DomainError as exc:
            attach_error(form, exc.message, {**_PERSON_FIELD_HINTS, "new_password": ("密码",)})
        else:
            messages.success(request, "密码已重置，请用新密码登录。")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form, "captcha_key": new_captcha(request)})


@public
def agreement(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("terms", "privacy"):
        raise Http404
    return render(request, f"accounts/agreement_{name}.html", {"version": services.AGREEMENT_VERSION})


@authenticated
def profile(request: HttpRequest) -> HttpResponse:
    """个人信息: view (identity masked), edit what may be edited."""
    user: Any = request.user
    person = user.kind == "personal"
    initial = {"email": user.email} | ({f: getattr(user, f) for f in services.BASIC_INFORMATION} if person else {})
    form = (BasicInformationForm if person else ProfileForm)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                user=user,
                email=data["email"],
                basic={f: data[f] for f in services.BASIC_INFORMATION} if person else None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("accounts:profile")
    context = {
        "form": form,
        "masked_id": mask_identity(user.id_number) if user.id_number else "",
        "masked_phone": mask_phone(user.phone) if user.phone else "",
    }
    return render(request, "accounts/profile.html", context)


@authenticated
def change_phone(request: HttpRequest) -> HttpResponse:
    """更换手机号码: password again, then an SMS code to the new number."""
    form = ChangePhoneForm(request.POST or None)
    ip = client_ip(request)
    locked = security.reauth_locked(user=request.user, ip=ip) if request.method == "POST" else 0
    if locked:
        form.add_error(None, f"登录密码输错次数过多，请 {locked} 分钟后再试。")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_phone(
                user=request.user,  # type: ignore[arg-type]  # signed in
                password=data["password"],
                new_phone=data["phone"],
                sms_code=data["sms_code"],
            )
        except DomainError as exc:
            if exc.message == services.WRONG_LOGIN_PASSWORD:
                security.reauth_failed(user=request.user, ip=ip)
            attach_error(form, exc.message, {"password": ("登录密码",), **_PERSON_FIELD_HINTS})
        else:
            security.reauth_succeeded(user=request.user, ip=ip)
            messages.success(request, "手机号码已更换。")
            return redirect("accounts:profile")
    return render(request, "accounts/change_phone.html", {"form": form, "captcha_key": new_captcha(request)})
