from django.utils.text import slugify

# Django's slugify strips æ, ø and å ("miljø" -> "milj"); Norwegian readers expect ae/o/a.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
# Django's slugify drops the dashes of printed text, joining what they separate ("2025–2028"
# -> "20252028"): they separate words, as a hyphen does.
DASHES = str.maketrans({"–": " ", "—": " "})

MAX_SLUG_LENGTH = 60


def norwegian_slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Slug for a Norwegian title: "Klima, miljø og natur" -> "klima-miljo-og-natur".

    Long titles (whole strategy sentences) are cut at a word boundary so URLs stay readable.
    """
    slug = slugify(text.translate(NORWEGIAN_LETTERS).translate(DASHES))
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
