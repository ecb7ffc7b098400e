"""Every write to users and role assignments: keyword-only, one transaction, scope checked, audited.

Scope rules (issue 3, item 5):
- an admin acts only on users they manage (accounts.selectors.users_manageable: every assignment of the user lies
  inside the admin's regions; national admins manage everyone but superusers);
- an admin grants a role only over a region inside their own scope (none = national, for national admins only);
- nobody changes their own roles or active state, so nobody can give themselves more.

RoleAssignment is audited by django-simple-history (`_history_user`, `_change_reason` as in registry/services.py).
The User model has no history table yet, so user changes are written to the `berdaya.accounts` log.
"""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from berdaya.accounts.models import RoleAssignment, User
from berdaya.accounts.selectors import manage_prefixes, users_manageable
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import NATIONAL, ROLE_PERMISSIONS, Perm, has_perm
from berdaya.regions.models import Region

log = logging.getLogger("berdaya.accounts")

PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "organisation", "language"]


def _forbidden(message=None) -> ApplicationError:
    return ApplicationError(message or _("Anda tidak berwenang melakukan tindakan ini di wilayah ini."),
                            code="forbidden")


def _audit(instance, actor, action: str) -> None:
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = action


def _log(action: str, *, actor, user: User, **details) -> None:
    log.info("%s actor=%s user=%s %s", action, getattr(actor, "username", None), user.username,
             " ".join(f"{k}={v}" for k, v in details.items()))


def _require_manager(actor) -> None:
    if not manage_prefixes(user=actor):
        raise _forbidden()


def _require_manages(actor, user: User) -> None:
    _require_manager(actor)
    if user.pk is None or not users_manageable(user=actor).filter(pk=user.pk).exists():
        raise _forbidden(_("Pengguna ini berada di luar wilayah Anda."))


def _require_not_self(actor, user: User) -> None:
    if actor.pk == user.pk:
        raise _forbidden(_("Anda tidak dapat mengubah peran atau status akun Anda sendiri."))


def _region_or_error(region) -> Region | None:
    """A Region, a code, or None/'' for national."""
    if region is None or region == "":
        return None
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(code=str(region).strip()).first()
    if found is None:
        raise ApplicationError(_("Kode wilayah %(code)s tidak terdaftar.") % {"code": region}, field="region")
    return found


def _check_grant(actor, *, role: str, region: Region | None) -> None:
    if role not in ROLE_PERMISSIONS:
        raise ApplicationError(_("Peran tidak dikenal."), field="role")
    if region is None:
        allowed = NATIONAL in manage_prefixes(user=actor)  # national grants only from national admins
    else:
        allowed = has_perm(actor, Perm.ACCOUNTS_MANAGE, region.code)
    if not allowed:
        raise ApplicationError(_("Anda hanya dapat memberi peran di dalam wilayah Anda sendiri."), field="region",
                               code="forbidden")


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from None


def _add_assignment(*, actor, user: User, role: str, region: Region | None) -> RoleAssignment:
    if RoleAssignment.objects.filter(user=user, role=role, region=region).exists():
        raise ApplicationError(_("Pengguna ini sudah memegang peran itu di wilayah itu."), field="role",
                               code="duplicate")
    assignment = RoleAssignment(user=user, role=role, region=region,
                                created_by=actor if getattr(actor, "pk", None) else None)
    _audit(assignment, actor, "accounts.role_assignment.added")
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ApplicationError(_("Pengguna ini sudah memegang peran itu di wilayah itu."), field="role",
                               code="duplicate") from None
    return assignment


@transaction.atomic
def user_create(*, actor, data: dict, password: str, role: str, region=None) -> User:
    """Create a user with an initial password and a first role assignment."""
    _require_manager(actor)
    region = _region_or_error(region)
    _check_grant(actor, role=role, region=region)
    username = (data.get("username") or "").strip()
    if not username:
        raise ApplicationError(_("Nama pengguna wajib diisi."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("Nama pengguna %(username)s sudah dipakai.") % {"username": username},
                               field="username", code="duplicate")
    user = User(username=username, **{f: data[f] for f in PROFILE_FIELDS if f in data})
    _validate_password(password, user)
    user.set_password(password)
    _audit(user, actor, "accounts.user.created")
    user.save()
    _add_assignment(actor=actor, user=user, role=role, region=region)
    _log("accounts.user.created", actor=actor, user=user, role=role, region=region.code if region else "-")
    return user


@transaction.atomic
def user_update(*, actor, user: User, data: dict) -> list[str]:
    """Change a managed user's details (names, contact, organisation, language); returns the changed fields."""
    _require_manages(actor, user)
    changed = [f for f in PROFILE_FIELDS if f in data and getattr(user, f) != data[f]]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        _audit(user, actor, "accounts.user.updated")
        user.save(update_fields=changed)
        _log("accounts.user.updated", actor=actor, user=user, fields=",".join(changed))
    return changed


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> None:
    _require_manages(actor, user)
    _require_not_self(actor, user)
    if user.is_active != active:
        user.is_active = active
        _audit(user, actor, "accounts.user.activated" if active else "accounts.user.deactivated")
        user.save(update_fields=["is_active"])
        _log("accounts.user.activated" if active else "accounts.user.deactivated", actor=actor, user=user)


@transaction.atomic
def user_password_set(*, actor, user: User, password: str) -> None:
    """An admin sets a new password for a managed user (e.g. a forgotten one)."""
    _require_manages(actor, user)
    if actor.pk == user.pk:
        # Changing one's own password asks for the old one (the "my account" page).
        raise _forbidden(_("Ganti kata sandi Anda sendiri di halaman Akun saya."))
    _validate_password(password, user)
    user.set_password(password)
    _audit(user, actor, "accounts.user.password_reset")
    user.save(update_fields=["password"])
    _log("accounts.user.password_reset", actor=actor, user=user)


def user_unlock(*, actor, user: User) -> int:
    """Clear django-axes lockouts for this username; returns how many attempt records were removed."""
    _require_manages(actor, user)
    removed = axes_reset(username=user.username)
    _log("accounts.user.unlocked", actor=actor, user=user, attempts=removed)
    return removed


@transaction.atomic
def role_assignment_add(*, actor, user: User, role: str, region=None) -> RoleAssignment:
    _require_manages(actor, user)
    _require_not_self(actor, user)
    region = _region_or_error(region)
    _check_grant(actor, role=role, region=region)
    return _add_assignment(actor=actor, user=user, role=role, region=region)


@transaction.atomic
def role_assignment_remove(*, actor, assignment: RoleAssignment) -> None:
    user = assignment.user
    _require_manages(actor, user)
    _require_not_self(actor, user)
    if not RoleAssignment.objects.filter(user=user).exclude(pk=assignment.pk).exists():
        raise ApplicationError(
            _("Pengguna harus memegang paling sedikit satu peran. Nonaktifkan akunnya bila tidak dipakai lagi."),
            code="last_role")
    _audit(assignment, actor, "accounts.role_assignment.removed")
    assignment.delete()


@transaction.atomic
def own_language_set(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Bahasa tidak dikenal."), field="language")
    if user.language != language:
        user.language = language
        _audit(user, user, "accounts.user.language_changed")
        user.save(update_fields=["language"])


@transaction.atomic
def own_password_change(*, user: User, password: str) -> None:
    """The user changes their own password; the view has checked the old one (PasswordChangeForm) and then
    keeps the session with update_session_auth_hash."""
    _validate_password(password, user)
    user.set_password(password)
    _audit(user, user, "accounts.user.password_changed")
    user.save(update_fields=["password"])
    _log("accounts.user.password_changed", actor=user, user=user)
