"""Checks that a strategy tree, as stored, is whole: every parent exists, every kind may stand
under its parent, the nested-set numbers agree with the parent links, every stored path
follows the slugs and every stored public flag follows the rule (strategy/public.py). Used to
refuse a broken fixture before it is committed, and by the concurrency test."""

from __future__ import annotations

from collections import defaultdict

from ..models import Kind, StrategyElement, allowed_child_kinds
from ..public import derive_public_flags, edition_is_public


def _label(element: StrategyElement) -> str:
    return f"strategielement pk={element.pk} (kode «{element.code}»)"


def tree_problems(elements: list[StrategyElement]) -> list[tuple[int, str]]:
    """(pk, Norwegian description) for every problem found, in tree order."""
    by_pk = {element.pk: element for element in elements}
    problems: list[tuple[int, str]] = []
    for element in elements:
        if element.parent_id is not None and element.parent_id not in by_pk:
            problems.append(
                (
                    element.pk,
                    f"{_label(element)}: det overordnede elementet pk={element.parent_id} "
                    "finnes ikke",
                )
            )
            continue
        parent = by_pk.get(element.parent_id)
        if element.kind not in allowed_child_kinds(parent.kind if parent else None):
            kind = Kind.label_of(element.kind)
            where = f"under «{Kind(parent.kind).label}» ({parent.code})" if parent else "som rot"
            problems.append((element.pk, f"{_label(element)}: «{kind}» kan ikke stå {where}"))
    if problems:
        return problems
    problems += _nested_set_problems(elements, by_pk)
    if problems:
        return problems
    for element in elements:
        if element.parent_id is not None:
            element.parent = by_pk[element.parent_id]
        expected = element.compute_path()
        if element.path != expected:
            problems.append(
                (
                    element.pk,
                    f"{_label(element)}: stien «{element.path}» skulle vært «{expected}»",
                )
            )
    return problems + _public_flag_problems(elements)


def _public_flag_problems(elements: list[StrategyElement]) -> list[tuple[int, str]]:
    in_tree_order = sorted(elements, key=lambda element: (element.tree_id, element.lft))
    expected = derive_public_flags(
        ((element.pk, element.parent_id, element.is_published) for element in in_tree_order),
        root_flags={
            element.pk: edition_is_public(element.edition.status)
            for element in in_tree_order
            if element.parent_id is None
        },
    )
    yes_no = {True: "offentlig", False: "ikke offentlig"}
    return [
        (
            element.pk,
            f"{_label(element)}: lagret som {yes_no[element.is_public]}, men skulle vært "
            f"{yes_no[expected[element.pk]]} (publisert og alle overordnede publisert)",
        )
        for element in in_tree_order
        if element.is_public != expected[element.pk]
    ]


def _nested_set_problems(elements, by_pk) -> list[tuple[int, str]]:
    """Walks each tree in lft order and checks the numbers mptt relies on: every node opens
    at the next number, closes right after its last descendant, and sits one level below
    the node that encloses it, which must be its parent."""
    trees: dict[int, list[StrategyElement]] = defaultdict(list)
    for element in elements:
        trees[element.tree_id].append(element)

    def wrong(element: StrategyElement) -> list[tuple[int, str]]:
        return [
            (
                element.pk,
                f"{_label(element)}: tallene i treet (lft={element.lft}, rght={element.rght}, "
                f"level={element.level}) stemmer ikke med plassen under det overordnede elementet",
            )
        ]

    for members in trees.values():
        members.sort(key=lambda element: element.lft)
        if sum(1 for element in members if element.parent_id is None) != 1:
            return [(members[0].pk, f"{_label(members[0])}: treet har ikke nøyaktig én rot")]
        stack: list[StrategyElement] = []
        counter = 0
        for element in [*members, None]:
            while stack and (element is None or stack[-1].rght < element.lft):
                if stack[-1].rght != counter + 1:
                    return wrong(stack[-1])
                counter = stack[-1].rght
                stack.pop()
            if element is None:
                break
            expected_parent = stack[-1].pk if stack else None
            if element.parent_id != expected_parent and element.parent_id in {
                enclosing.pk for enclosing in stack
            }:
                # Its parent is further up: the node in between closes too late.
                return wrong(stack[-1])
            if (
                element.lft != counter + 1
                or element.parent_id != expected_parent
                or element.level != len(stack)
                or element.rght <= element.lft
            ):
                return wrong(element)
            counter = element.lft
            stack.append(element)
    return []
