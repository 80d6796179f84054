"""Word-level differences between two versions of a text, for the editors' publish, compare and
restore pages: the words that were deleted and inserted are marked inside the text, not the
whole field. Marked with <del>/<ins> and a hidden spoken label, so the change is never shown by
colour alone (WCAG 1.4.1) and a screen reader says where it starts and ends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words (with the apostrophes and hyphens inside them: «FN’s», «gods-»), runs of white space
# and single punctuation marks: a changed comma is marked as a comma, not as its whole word.
TOKEN = re.compile(r"\s+|[\w’'-]+|[^\w\s]")

PieceKind = Literal["same", "deleted", "inserted"]

# What a screen reader says around a change; shown visually by strike-through and underline.
SPOKEN = {"deleted": ("[slettet: ", "]"), "inserted": ("[lagt til: ", "]")}
TAGS = {"deleted": "del", "inserted": "ins"}


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``, in reading order; neighbouring pieces of the
    same kind are joined."""
    before, after = tokens(old), tokens(new)
    pieces: list[Piece] = []

    def add(kind: PieceKind, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", before[i1:i2])
        else:  # "replace", "delete", "insert"
            add("deleted", before[i1:i2])
            add("inserted", after[j1:j2])
    return pieces


def _marked(piece: Piece) -> str:
    if piece.kind == "same":
        return escape(piece.text)
    start, end = SPOKEN[piece.kind]
    tag = TAGS[piece.kind]
    return (
        f'<{tag}><span class="visually-hidden">{start}</span>{escape(piece.text)}'
        f'<span class="visually-hidden">{end}</span></{tag}>'
    )


def render_side(pieces: list[Piece], side: Literal["old", "new"]) -> SafeString:
    """One side of the comparison as HTML: the old text with its deletions marked, or the new
    text with its insertions marked."""
    hidden = "inserted" if side == "old" else "deleted"
    return mark_safe("".join(_marked(piece) for piece in pieces if piece.kind != hidden))
