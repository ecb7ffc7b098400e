from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from berdaya.accounts.models import User
from berdaya.accounts.selectors import UserFilters, is_national_admin
from berdaya.core.permissions import Perm, Role
from berdaya.regions.forms import RegionField


class _RoleRegionMixin(forms.Form):
    """Role + region (any level, inside the admin's own scope); a national admin may tick 'national' instead."""

    # No preselected role: an admin must choose (a default of "Administrator" would be one click from harm).
    role = forms.ChoiceField(label=_("Peran"), choices=[("", _("— Pilih peran —")), *Role.CHOICES])
    region = RegionField(level=None, required=False, perm=Perm.ACCOUNTS_MANAGE, label=_("Wilayah tugas"),
                         help_text=_("Pilih sampai tingkat yang menjadi wilayah kerja peran ini."))
    national = forms.BooleanField(label=_("Seluruh Indonesia (nasional)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.ACCOUNTS_MANAGE)
        if not is_national_admin(user=user):
            del self.fields["national"]

    def clean(self):
        cleaned = super().clean()
        national = cleaned.get("national")
        if national and cleaned.get("region") is not None:
            self.add_error("region", _("Pilih wilayah atau nasional, tidak keduanya."))
        elif not national and cleaned.get("region") is None and "region" not in self.errors:
            self.add_error("region", _("Pilih wilayah."))
        return cleaned


class UserCreateForm(_RoleRegionMixin):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150,
                               validators=[User.username_validator],
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    organisation = forms.CharField(label=_("Instansi"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Bahasa"), choices=settings.LANGUAGES, initial="id")
    password = forms.CharField(label=_("Kata sandi awal"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=password_validation.password_validators_help_text_html())
    password_confirm = forms.CharField(label=_("Ulangi kata sandi"), strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "first_name", "last_name", "email", "phone", "organisation", "language",
                   "password", "password_confirm", "role", "region", "national"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("Kedua kata sandi tidak sama."))
        return cleaned

    def fieldsets(self):
        groups = [
            (_("Data pengguna"), ["username", "first_name", "last_name", "email", "phone", "organisation", "language"]),
            (_("Kata sandi awal"), ["password", "password_confirm"]),
            (_("Peran pertama"), ["role", "region", "national"]),
        ]
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in groups]

    def profile_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("username", "first_name", "last_name", "email", "phone",
                                                  "organisation", "language")}


class AssignmentForm(_RoleRegionMixin):
    pass


class UserDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "organisation", "language"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Bahasa"), choices=settings.LANGUAGES)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Nama, nama pengguna, email")}))
    role = forms.ChoiceField(label=_("Peran"), required=False, choices=[("", _("Semua peran")), *Role.CHOICES])
    region = RegionField(level=None, required=False, allow_ancestors=True, perm=Perm.ACCOUNTS_MANAGE,
                         label=_("Wilayah"))
    active = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Semua")), ("1", _("Aktif")), ("0", _("Nonaktif"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.ACCOUNTS_MANAGE)

    def filters(self) -> UserFilters:
        if not self.is_valid():
            return UserFilters()
        region = self.cleaned_data["region"]
        return UserFilters(q=self.cleaned_data["q"], role=self.cleaned_data["role"],
                           region=region.code if region else "", active=self.cleaned_data["active"])
