"""The one error a rule can raise: a message, where it points (line, column) and the offending line with a caret."""

from __future__ import annotations

from django.utils.translation import gettext as _


class RuleError(Exception):
    def __init__(self, message: str, *, text: str = "", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.excerpt = caret_excerpt(text, line, column) if line else ""

    @property
    def full_message(self) -> str:
        """'Baris 1, kolom 7: …' followed by the line and a caret under the column."""
        where = (_("Baris %(line)s, kolom %(column)s") % {"line": self.line, "column": self.column}
                 if self.line else "")
        head = f"{where}: {self.message}" if where else self.message
        return f"{head}\n{self.excerpt}" if self.excerpt else head

    def __str__(self) -> str:
        return self.full_message


def caret_excerpt(text: str, line: int | None, column: int | None, *, width: int = 80) -> str:
    """The line `line` of `text` (cut to `width` characters around the column) and a caret under `column`."""
    lines = text.splitlines() or [""]
    if not line or line > len(lines):
        return ""
    source = lines[line - 1].expandtabs(1)
    col = max(1, column or 1)
    start = max(0, col - 1 - width // 2) if len(source) > width else 0
    shown = source[start:start + width]
    return f"{shown}\n{' ' * (col - 1 - start)}^"
