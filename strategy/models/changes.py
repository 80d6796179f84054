"""Change notes (issue 13): a change of the text the public sees is explained in a short note,
listed publicly under «Endringer» on the element's page. GOV.UK's change notes are the model."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# The public text of an element: a change of these while the public sees it needs a note.
PUBLIC_TEXT_FIELDS = ("title", "body")
CHANGE_NOTE_MAX_LENGTH = 100  # simple-history's change reason column
CHANGE_NOTE_MISSING = (
    "Skriv en kort endringsmerknad, f.eks. «Språklig rettelse»: teksten er offentlig, og "
    "endringen vises under «Endringer» på elementets side."
)


def check_change_note(was_public: bool, before: dict, after, note: str) -> None:
    """The rule for change notes, for publishing a draft and for a direct «Lagre» alike: a
    change of the title or text the public sees needs a short note (``note``, already
    normalised). ``before``: the stored text by field; ``after``: the element (or a dict) with
    the new text."""
    read = after.get if isinstance(after, dict) else lambda field: getattr(after, field)
    changed = any(read(field) != before[field] for field in PUBLIC_TEXT_FIELDS)
    if was_public and changed and not note:
        raise ValidationError({"note": CHANGE_NOTE_MISSING})
    if len(note) > CHANGE_NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Endringsmerknaden kan ha høyst {CHANGE_NOTE_MAX_LENGTH} tegn."}
        )
