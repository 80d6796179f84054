class ElementPathConverter:
    """Slash-separated slugs ("innsatsomrader/klima-miljo-og-natur"). Anything else - NUL
    bytes, dots, spaces, non-ASCII - never reaches the database and is a plain 404."""

    regex = r"[-a-zA-Z0-9_]+(?:/[-a-zA-Z0-9_]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
