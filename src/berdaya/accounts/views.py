"""Account pages: user management for admins (Perm.ACCOUNTS_MANAGE, region-scoped), the user's own account page,
and the language switch. Login and logout are Django's views (see urls.py), hardened by django-axes."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.accounts import selectors, services
from berdaya.accounts.forms import (
    AssignmentForm,
    LanguageForm,
    UserCreateForm,
    UserDetailsForm,
    UserSearchForm,
)
from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm

# Service field names that differ from the form's.
_FIELD_ALIASES = {"password": ("password", "new_password1")}


def _form_error(form, err: ApplicationError) -> None:
    for name in _FIELD_ALIASES.get(err.field, (err.field,)):
        if name and name in form.fields:
            form.add_error(name, err.message)
            return
    form.add_error(None, err.message)


def manager_required(view):
    """Only users holding Perm.ACCOUNTS_MANAGE somewhere; others get 403 (anonymous users never get here:
    LoginRequiredMiddleware sends them to the login page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_perm(request.user, Perm.ACCOUNTS_MANAGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_user_for_actor(request, pk: int) -> User:
    try:
        return selectors.user_detail(user=request.user, pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def _picking(request) -> bool:
    """The region picker's no-JavaScript "Pilih" button: re-render the form with the next level, save nothing."""
    return bool(request.POST.get("_pick"))


def _repicked(form_class, request, **kwargs):
    """An unbound form showing what was typed (so no 'required' errors yet), the picker one level deeper."""
    bound = form_class(request.POST, **kwargs)
    initial = {name: bound[name].data for name in bound.fields}
    return form_class(initial=initial, **kwargs)


@require_GET
@manager_required
def user_list(request):
    form = UserSearchForm(request.GET or None, user=request.user)
    users = selectors.user_list(user=request.user, filters=form.filters())
    page = Paginator(users, settings.BERDAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "locked": selectors.locked_usernames(u.username for u in page.object_list),
        "query": query.urlencode(),
    }
    partial = request.htmx and not request.htmx.boosted
    return render(request, "accounts/user_list.html#rows" if partial else "accounts/user_list.html", context)


@require_http_methods(["GET", "POST"])
@manager_required
def user_create(request):
    if request.method == "POST" and _picking(request):
        return render(request, "accounts/user_create.html",
                      {"form": _repicked(UserCreateForm, request, user=request.user)})
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, data=form.profile_data(),
                                        password=form.cleaned_data["password"], role=form.cleaned_data["role"],
                                        region=form.cleaned_data["region"])
        except ApplicationError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Pengguna %(username)s dibuat.") % {"username": user.username})
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _edit_context(request, target: User, **forms) -> dict:
    return {
        "target": target,
        "is_self": target.pk == request.user.pk,
        "locked": target.username in selectors.locked_usernames([target.username]),
        "details_form": forms.get("details_form") or UserDetailsForm(instance=target, prefix="details"),
        "password_form": forms.get("password_form") or SetPasswordForm(target, prefix="password"),
        "assignment_form": forms.get("assignment_form") or AssignmentForm(user=request.user, prefix="assignment"),
        "assignment_history": selectors.assignment_history(user=request.user, target=target),
    }


@require_http_methods(["GET", "POST"])
@manager_required
def user_edit(request, pk: int):
    target = _get_user_for_actor(request, pk)
    if request.method == "GET":
        return render(request, "accounts/user_edit.html", _edit_context(request, target))
    action = request.POST.get("action")
    if action == "details":
        return _edit_details(request, target)
    if action == "password":
        return _edit_password(request, target)
    if action in ("activate", "deactivate"):
        try:
            services.user_set_active(actor=request.user, user=target, active=action == "activate")
        except ApplicationError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Akun diaktifkan.") if action == "activate" else _("Akun dinonaktifkan."))
        return redirect("accounts:user_edit", pk=target.pk)
    return render(request, "accounts/user_edit.html", _edit_context(request, target), status=400)


def _edit_details(request, target: User):
    # Bound to a copy so a refused change does not show as saved on the page.
    form = UserDetailsForm(request.POST, instance=User.objects.get(pk=target.pk), prefix="details")
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.user_update(actor=request.user, user=target, data=data)
        except ApplicationError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Data pengguna disimpan."))
            return redirect("accounts:user_edit", pk=target.pk)
    return render(request, "accounts/user_edit.html", _edit_context(request, target, details_form=form), status=400)


def _edit_password(request, target: User):
    form = SetPasswordForm(target, request.POST, prefix="password")
    if form.is_valid():
        try:
            services.user_password_set(actor=request.user, user=target, password=form.cleaned_data["new_password1"])
        except ApplicationError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Kata sandi baru disimpan. Sampaikan kepada pengguna secara langsung."))
            return redirect("accounts:user_edit", pk=target.pk)
    return render(request, "accounts/user_edit.html", _edit_context(request, target, password_form=form),
                  status=400)


@require_POST
@manager_required
def assignment_add(request, pk: int):
    target = _get_user_for_actor(request, pk)
    if _picking(request):
        form = _repicked(AssignmentForm, request, user=request.user, prefix="assignment")
        return render(request, "accounts/user_edit.html", _edit_context(request, target, assignment_form=form))
    form = AssignmentForm(request.POST, user=request.user, prefix="assignment")
    if form.is_valid():
        try:
            services.role_assignment_add(actor=request.user, user=target, role=form.cleaned_data["role"],
                                         region=form.cleaned_data["region"])
        except ApplicationError as err:
            _form_error(form, err)
        else:
            messages.success(request, _("Peran ditambahkan."))
            return redirect("accounts:user_edit", pk=target.pk)
    return render(request, "accounts/user_edit.html", _edit_context(request, target, assignment_form=form),
                  status=400)


@require_POST
@manager_required
def assignment_delete(request, pk: int):
    try:
        assignment = selectors.assignment_manageable(user=request.user, pk=pk)
    except RoleAssignment.DoesNotExist:
        raise Http404 from None
    try:
        services.role_assignment_remove(actor=request.user, assignment=assignment)
    except ApplicationError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Peran dicabut."))
    return redirect("accounts:user_edit", pk=assignment.user_id)


@require_POST
@manager_required
def user_unlock(request, pk: int):
    target = _get_user_for_actor(request, pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("Kuncian akun %(username)s dibuka.") % {"username": target.username})
    return redirect("accounts:user_edit", pk=target.pk)


@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own account: language and password."""
    language_form = LanguageForm(initial={"language": request.user.language}, prefix="language")
    password_form = PasswordChangeForm(request.user, prefix="password")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "language":
            language_form = LanguageForm(request.POST, prefix="language")
            if language_form.is_valid():
                services.own_language_set(user=request.user, language=language_form.cleaned_data["language"])
                response = redirect("accounts:profile")
                _set_language_cookie(request, response, request.user.language)
                messages.success(request, _("Bahasa disimpan."))
                return response
        elif action == "password":
            password_form = PasswordChangeForm(request.user, request.POST, prefix="password")
            if password_form.is_valid():
                try:
                    services.own_password_change(user=request.user,
                                                 password=password_form.cleaned_data["new_password1"])
                except ApplicationError as err:
                    _form_error(password_form, err)
                else:
                    update_session_auth_hash(request, request.user)
                    messages.success(request, _("Kata sandi Anda diganti."))
                    return redirect("accounts:profile")
        status = 400
    context = {"language_form": language_form, "password_form": password_form,
               "assignments": request.user.role_assignments.select_related("region").order_by("region_id", "role")}
    return render(request, "accounts/profile.html", context, status=status)


def _set_language_cookie(request, response, lang: str) -> None:
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True)


@login_not_required
@require_POST
def set_language(request):
    """Switch language: saved on the user when logged in, in a cookie otherwise."""
    lang = request.POST.get("language")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if lang in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.own_language_set(user=request.user, language=lang)
        _set_language_cookie(request, response, lang)
    return response
