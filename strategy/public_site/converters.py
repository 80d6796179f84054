import datetime


class ElementPathConverter:
    """Slash-separated slugs ("innsatsomrader/klima-miljo-og-natur"). Anything else - NUL
    bytes, dots, spaces, non-ASCII - never reaches the database and is a plain 404."""

    regex = r"[-a-zA-Z0-9_]+(?:/[-a-zA-Z0-9_]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter:
    """A reference code in a URL, in any case ("t-s2" is "T-S2"): codes are stored upper-case."""

    regex = r"[-a-zA-Z0-9]{1,20}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


class PeriodConverter:
    """An edition's period in a URL: "2025-2028"."""

    regex = r"[0-9]{4}-[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DateConverter:
    """A day in a URL, "2026-03-01"; an impossible date (2026-02-30) is no match: a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError: the URL does not match

    def to_url(self, value) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
