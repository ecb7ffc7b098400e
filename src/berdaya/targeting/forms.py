import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.regions.forms import RegionField
from berdaya.targeting.rules.parser import MAX_LENGTH

EXPRESSION_HELP = _("Contoh: desil <= 4 and bps_criteria_met >= 9 and not any(member.occupation == \"PNS\")")


def _expression_field(required=True):
    return forms.CharField(label=_("Aturan kelayakan"), required=required, max_length=MAX_LENGTH, strip=False,
                           help_text=EXPRESSION_HELP,
                           widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocomplete": "off",
                                                        "class": "rule-input"}))


class RuleForm(forms.Form):
    expression = _expression_field()
    note = forms.CharField(label=_("Catatan perubahan"), max_length=255, required=False)


class DryRunForm(forms.Form):
    """The dry run's inputs (a GET form: a result can be bookmarked); the rule text may be an unsaved draft."""

    expression = _expression_field(required=False)
    region = RegionField(level=None, required=False, allow_ancestors=True, label=_("Wilayah"))
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100, required=False)
    amount = forms.IntegerField(label=_("Nominal per keluarga/orang per tahun (Rp)"), min_value=0, required=False,
                                help_text=_("Kosongkan untuk memakai nominal program."))
    kk = forms.CharField(label=_("Mengapa? Nomor KK"), max_length=16, required=False,
                         help_text=_("Tampilkan alasan satu keluarga memenuhi atau tidak."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.TARGETING_VIEW)
        self.fields["year"].initial = timezone.localdate().year


class CandidateFilterForm(forms.Form):
    region = RegionField(level=None, required=False, allow_ancestors=True, label=_("Wilayah"))
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.TARGETING_VIEW)


class RegionFilterForm(forms.Form):
    region = RegionField(level=None, required=False, allow_ancestors=True, label=_("Wilayah"))

    def __init__(self, *args, user, perm=Perm.TARGETING_VIEW, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=perm)


class WeightsForm(forms.Form):
    weights = forms.CharField(label=_("Bobot (JSON)"), widget=forms.Textarea(attrs={"rows": 18,
                                                                                   "spellcheck": "false"}))
    note = forms.CharField(label=_("Catatan perubahan"), max_length=255, required=False)

    def clean_weights(self):
        try:
            return json.loads(self.cleaned_data["weights"])
        except ValueError as exc:
            raise forms.ValidationError(_("JSON tidak valid: %(err)s") % {"err": exc}) from None
