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
