"""Text normalisation for search: case, accents and spacing ignored."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def search_key(text: str | None) -> str:
    """'Siti  Nur’aini Ṡaleh' -> 'sitinurainisaleh': what the name search compares."""
    if not text:
        return ""
    if text.isascii():
        # NFKD leaves ASCII as it is and ASCII has no combining marks: the same key, without the per-character
        # pass (a bulk import computes a million of them).
        return _NON_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", stripped.lower())
