"""The strategy's models, by concern. Import them from here (``from strategy.models import
StrategyElement``), as Django's convention has it:

- ``kinds``: the kinds of element and their facts, in one table
- ``elements``: the element, its tree and its verbs (publish, drafts, moves, restores)
- ``drafts``: unpublished edits of a published element
- ``sources``: the footnotes of an element's text
- ``addresses``: former paths and the tombstones of deleted elements
- ``versions``: the content version behind public pages' ETag and Last-Modified
- ``deployment``: what a running process noticed about its deployment
- ``vocabulary``: search's tables (the strategy's words, synonym groups)
"""

from ..public import derive_public_flags, is_public_under
from .addresses import MAX_PATH_LENGTH, DeletedElement, ElementPath, ElementPathQuerySet
from .deployment import DeploymentObservation
from .drafts import DRAFT_FIELDS, PendingChange
from .elements import (
    EDITED_FIELDS,
    MOVE_POSITIONS,
    RESERVED_SLUGS,
    TREE_FIELDS,
    UNPREFIXED_DOCUMENT_CODE,
    Move,
    Placement,
    RestoredElement,
    StaleVersion,
    StrategyElement,
    StrategyElementManager,
    StrategyElementQuerySet,
    changed_since,
    check_version,
    code_prefix,
    last_change_note,
    link_elements,
    next_code,
    public_flags_changed,
    title_or_opening,
)
from .kinds import KIND_FACTS, Kind, KindFacts, allowed_child_kinds, allowed_parent_kinds
from .sources import Source, SourceManager, deleted_along_reason
from .versions import ContentVersion
from .vocabulary import SearchWord, SynonymGroup, SynonymLink

__all__ = [
    "DRAFT_FIELDS",
    "EDITED_FIELDS",
    "KIND_FACTS",
    "MAX_PATH_LENGTH",
    "MOVE_POSITIONS",
    "RESERVED_SLUGS",
    "TREE_FIELDS",
    "UNPREFIXED_DOCUMENT_CODE",
    "ContentVersion",
    "DeletedElement",
    "DeploymentObservation",
    "ElementPath",
    "ElementPathQuerySet",
    "Kind",
    "KindFacts",
    "Move",
    "PendingChange",
    "Placement",
    "RestoredElement",
    "SearchWord",
    "Source",
    "SourceManager",
    "StaleVersion",
    "StrategyElement",
    "StrategyElementManager",
    "StrategyElementQuerySet",
    "SynonymGroup",
    "SynonymLink",
    "allowed_child_kinds",
    "allowed_parent_kinds",
    "changed_since",
    "check_version",
    "code_prefix",
    "deleted_along_reason",
    "derive_public_flags",
    "is_public_under",
    "last_change_note",
    "link_elements",
    "next_code",
    "public_flags_changed",
    "title_or_opening",
]
