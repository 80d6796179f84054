"""The rules for what may be stored in a field of the strategy, one function each.

They are attached to the model fields (strategy/models/), so every door runs them through the
model's ``full_clean()``: the admin form, drag and drop, ``loaddata`` and
``import_strategy_json``. The rules about an element's place in the tree (kinds, reserved
slugs at the top, permanent codes) are in ``StrategyElement.clean()``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from .slugs import norwegian_slugify

# Reference codes: upper-case letters and digits in hyphen-separated parts ("T-S2", "TT3").
CODE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")

# The schemes a link in the content may have: in the body's Markdown (nh3 drops any other)
# and as a source's link.
LINK_SCHEMES = ("http", "https", "mailto")

# The longest element in the strategy has about 1,100 characters; 20,000 (some eight printed
# pages) leaves room for any real text and stays far below PostgreSQL's 1 MB limit for the
# search vector that a trigger builds from title and body.
BODY_MAX_LENGTH = 20_000
SOURCE_TEXT_MAX_LENGTH = 2_000

CODE_MESSAGE = (
    "Referansekoden kan bare ha store bokstaver A–Z, sifre og bindestrek mellom delene, "
    "f.eks. «T-S2»."
)
MISSING_CODE_MESSAGE = "Referansekoden mangler."
SLUG_MESSAGE = (
    "Adressen kan bare ha små bokstaver a–z, sifre og bindestrek mellom ordene, f.eks. "
    "«klima-miljo-og-natur» (æ, ø og å skrives ae, o og a). La feltet stå tomt, så lages "
    "adressen fra tittelen."
)
LINK_MESSAGE = (
    "Lenken må begynne med http://, https:// eller mailto: og være en gyldig adresse, "
    "f.eks. «https://www.osloregionen.no/»."
)

# Line breaks and tabs belong in running text only.
_TEXT_WHITESPACE = "\t\n\r"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _unstorable_character(value: str, allowed: str) -> str | None:
    """The first character that is no text: control characters (NUL cannot even be stored in
    PostgreSQL), lone surrogates (cannot be encoded) and Unicode noncharacters (search uses
    two of them to mark hits in excerpts)."""
    for char in value:
        if char in allowed:
            continue
        code_point = ord(char)
        if (
            unicodedata.category(char) in {"Cc", "Cs"}
            or 0xFDD0 <= code_point <= 0xFDEF
            or (code_point & 0xFFFE) == 0xFFFE
        ):
            return char
    return None


def _check_characters(value: str, allowed: str) -> None:
    char = _unstorable_character(value, allowed)
    if char is None:
        return
    if char in _TEXT_WHITESPACE:
        raise ValidationError("Feltet kan ikke ha linjeskift eller tabulator.", code="line_break")
    raise ValidationError(
        f"Teksten har et kontrolltegn (U+{ord(char):04X}) som ikke kan lagres. Fjern det "
        "(det kommer ofte med når tekst limes inn fra PDF eller Word).",
        code="control_character",
    )


def validate_line(value: str) -> None:
    """A one-line text (a title, a footnote's anchor words)."""
    _check_characters(value, allowed="")


def validate_text(value: str) -> None:
    """Running text (a body, a source): line breaks and tabs allowed."""
    _check_characters(value, allowed=_TEXT_WHITESPACE)


def _check_length(value: str, limit: int, what: str, advice: str = "") -> None:
    if len(value) > limit:
        raise ValidationError(
            f"{what} kan ha høyst {_number(limit)} tegn, men har {_number(len(value))}.{advice}",
            code="max_length",
        )


def validate_body_length(value: str) -> None:
    _check_length(value, BODY_MAX_LENGTH, "Brødteksten", " Del teksten på flere elementer.")


def validate_source_text_length(value: str) -> None:
    _check_length(value, SOURCE_TEXT_MAX_LENGTH, "Kildeteksten")


def validate_slug(value: str) -> None:
    """A slug is what ``norwegian_slugify`` makes: lower-case a-z, digits and hyphens. Anything
    else (capitals, markup, dots) would give a path the URL patterns cannot reverse."""
    if norwegian_slugify(value, max_length=len(value)) != value:
        raise ValidationError(SLUG_MESSAGE, code="invalid_slug")


def validate_code(value: str) -> None:
    """Codes are what ``/r/<code>/`` and the page anchors are made of."""
    if not CODE_PATTERN.fullmatch(value):
        raise ValidationError(CODE_MESSAGE, code="invalid_code")


_web_url = URLValidator(schemes=[scheme for scheme in LINK_SCHEMES if scheme != "mailto"])
_email = EmailValidator()


def validate_link(value: str) -> None:
    """An http(s) address or a mailto: link, nothing else (no javascript:, data:, //host)."""
    scheme, _, rest = value.partition(":")
    try:
        if scheme.lower() == "mailto":
            _email(unquote(rest.split("?", 1)[0]))
        elif scheme.lower() in LINK_SCHEMES:
            _web_url(value)
        else:
            raise ValidationError(LINK_MESSAGE)
    except ValidationError as error:
        raise ValidationError(LINK_MESSAGE, code="invalid_link") from error


def describe(instance: models.Model, error: ValidationError) -> str:
    """A model's validation errors as one Norwegian sentence per field, for commands that
    refuse a file ("tittel: …; adresse (slug): …")."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, errors in error.message_dict.items():
        text = " ".join(errors)
        if field == NON_FIELD_ERRORS:
            parts.append(text)
        else:
            parts.append(f"{instance._meta.get_field(field).verbose_name}: {text}")
    return "; ".join(parts)
