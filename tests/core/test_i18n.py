"""Bahasa Indonesia is the source language; English is chosen per user from the compiled catalogue.

The .po files are checked without gettext tools (a tiny parser below) and against the committed .mo files,
so a string added to the catalogue but not compiled, or left untranslated or fuzzy, fails here.
"""

import ast
import gettext
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

import berdaya
from berdaya.core.formatting import date_long
from berdaya.core.permissions import Role
from berdaya.imports.models import ImportBatch
from berdaya.regions.models import Level
from berdaya.registry import codes
from berdaya.registry.models import Household, Person

LOCALE = Path(berdaya.__file__).parent / "locale"
PO = {lang: LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("en", "id")}
MO = {lang: LOCALE / lang / "LC_MESSAGES" / "django.mo" for lang in ("en", "id")}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|%[sdif]|\{\w*\}|</?[a-zA-Z][^>]*>")


def _entries(path: Path) -> list[dict]:
    """Entries of a .po file as {"flags", "msgid", "msgid_plural", "msgstr": {index: text}}; header and obsolete
    entries left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": set(), "msgid_plural": None, "msgstr": {}}, None
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, key, ast.literal_eval(line))
            else:
                key, _space, text = line.partition(" ")
                _append(entry, key, ast.literal_eval(text))
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def _append(entry: dict, key: str, text: str) -> None:
    if key.startswith("msgstr"):
        index = int(key[7:-1]) if "[" in key else 0
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[key] = (entry.get(key) or "") + text


def _compiled(lang: str) -> gettext.GNUTranslations:
    with MO[lang].open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_the_role_names_are_translated_into_english():
    with translation.override("en"):
        roles = {value: str(label) for value, label in Role.CHOICES}
    assert roles[Role.VERIFIER] == "Field verifier"
    assert roles[Role.MENTOR] == "Mentor"
    assert roles[Role.DINSOS_STAFF] == "Social Affairs Office staff"


def test_the_role_names_stay_indonesian_by_default():
    with translation.override("id"):
        assert str(dict(Role.CHOICES)[Role.VERIFIER]) == "Verifikator Lapangan"


def test_registry_field_names_and_choices_are_translated_into_english():
    with translation.override("en"):
        assert str(Household._meta.get_field("kk_number").verbose_name) == "family card (KK) number"
        assert str(Person._meta.get_field("birth_date").verbose_name) == "date of birth"
        assert str(codes.Relationship.HEAD.label) == "Head of family"


def test_region_levels_and_import_statuses_are_translated_into_english():
    with translation.override("en"):
        assert str(Level.DISTRICT.label) == "District"
        assert str(Level.REGENCY.label) == "Regency/city"
        assert str(ImportBatch.Status.DRY_RUN.label) == "Dry run (not saved yet)"


def test_long_dates_use_english_month_names_in_english():
    with translation.override("en"):
        assert date_long(date(2026, 5, 1)) == "1 May 2026"
    with translation.override("id"):
        assert date_long(date(2026, 5, 1)) == "1 Mei 2026"


@pytest.mark.parametrize(("count", "text"), [(1, "1 household"), (2, "2 households")])
def test_a_counted_phrase_takes_the_english_plural(count, text):
    template = Template("{% load i18n %}{% blocktranslate count n=c %}{{ n }} keluarga{% plural %}"
                        "{{ n }} keluarga{% endblocktranslate %}")
    with translation.override("en"):
        assert template.render(Context({"c": count})) == text


@pytest.mark.django_db
def test_the_login_page_is_in_english_after_choosing_english(client, settings):
    # Pages render {% static %}; without collectstatic the manifest storage (DEBUG off) has no entries.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    login = reverse("accounts:login")
    assert "Masuk" in client.get(login).content.decode()

    client.post(reverse("accounts:set_language"), {"language": "en", "next": login})
    page = client.get(login).content.decode()

    assert "Log in" in page
    assert "Password" in page
    assert "Masuk" not in page


def test_every_english_message_is_translated_and_not_fuzzy():
    untranslated = [e["msgid"] for e in _entries(PO["en"])
                    if "fuzzy" in e["flags"] or not e["msgstr"] or not all(e["msgstr"].values())]
    assert untranslated == []


def test_english_translations_keep_every_placeholder_and_tag():
    def marks(text):
        return sorted(PLACEHOLDER.findall(text))

    broken = [(e["msgid"], text) for e in _entries(PO["en"]) for i, text in e["msgstr"].items()
              if marks(text) != marks(e["msgid"] if i == 0 else e["msgid_plural"])]
    assert broken == []


def test_the_indonesian_catalogue_repeats_each_source_string():
    different = [e["msgid"] for e in _entries(PO["id"]) if e["msgstr"] != {0: e["msgid"]}]
    assert different == []
    assert "Plural-Forms: nplurals=1; plural=0;" in PO["id"].read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_committed_mo_file_matches_its_po_file(lang):
    compiled = _compiled(lang)
    stale = []
    for e in _entries(PO[lang]):
        if e.get("msgctxt") and e["msgid_plural"] is None:
            got = {0: compiled.pgettext(e["msgctxt"], e["msgid"])}
        elif e["msgid_plural"] is None:
            got = {0: compiled.gettext(e["msgid"])}
        else:
            got = {i: compiled.ngettext(e["msgid"], e["msgid_plural"], n)
                   for i, n in enumerate((1, 2)[:len(e["msgstr"])])}
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], "run: cd src/berdaya && ../../manage.py compilemessages -l en -l id"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_msgfmt_accepts_the_catalogue(lang, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is not installed; the compiled .mo files are still checked above")
    result = subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(PO[lang])],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
