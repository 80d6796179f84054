"""The one definition of "the public may see this element".

An element is public when it is published and its parent is public; a document (a root) is public
when it is published. From the root down that is: published, and every ancestor published. The
result is stored on every element (``StrategyElement.is_public``) in the same transaction as the
write that changes it, and every public channel reads only that stored flag
(``StrategyElement.objects.public()``, or the column in the search's SQL). This module holds the
rule itself, with no database access, so that the model, the integrity check and the migration
that first filled the flag all derive it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

# An edition's status (strategy.models.EditionStatus values): the editors' draft edition is not
# public; the consultation draft, the edition in force and superseded ones are.
UNPUBLISHED_EDITION_STATUSES = frozenset({"utkast"})


def edition_is_public(status: str) -> bool:
    """Whether the public may see an edition at all: its document (the root) counts as if it had
    an unpublished parent while the edition is a draft."""
    return status not in UNPUBLISHED_EDITION_STATUSES


def is_public_under(is_published: bool, parent_is_public: bool | None) -> bool:
    """The rule. ``parent_is_public`` is None for a root (no parent) whose edition is not
    known; a root passes ``edition_is_public(status)`` of its edition instead."""
    return bool(is_published) and parent_is_public is not False


def derive_public_flags(
    rows: Iterable[tuple[int, int | None, bool]],
    known: dict[int, bool] | None = None,
    root_flags: dict[int, bool] | None = None,
) -> dict[int, bool]:
    """The flag of every row, from ``(pk, parent_id, is_published)`` in tree order (every
    parent before its children). ``known`` gives the flags of parents outside ``rows`` (the
    parent of a subtree's top). A parent that is neither in ``rows`` nor known makes its
    children not public: nothing is public that cannot be shown to sit under a public parent.
    ``root_flags`` gives, per root pk, ``edition_is_public`` of the root's edition."""
    flags = dict(known or {})
    root_flags = root_flags or {}
    for pk, parent_id, is_published in rows:
        parent_flag = root_flags.get(pk) if parent_id is None else flags.get(parent_id, False)
        flags[pk] = is_public_under(is_published, parent_flag)
    return flags
