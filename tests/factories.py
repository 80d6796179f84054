"""Builders for test data that the real strategy is too small to exercise."""

from __future__ import annotations

from dataclasses import dataclass, field

from strategy.models import ContentVersion, Kind, SearchWord, Source, StrategyElement
from strategy.public import is_public_under
from strategy.slugs import norwegian_slugify


@dataclass
class Spec:
    """One element of a generated tree, before it is stored."""

    kind: str
    code: str
    title: str
    body: str = ""
    children: list[Spec] = field(default_factory=list)
    source: int | None = None  # the number of a footnote on this element

    def add(self, *args, **kwargs) -> Spec:
        child = Spec(*args, **kwargs)
        self.children.append(child)
        return child


def generated_spec(
    focus_areas: int, items_per_group: int, themes: int, top_items: int | None = None
) -> Spec:
    """A document with the real strategy's shape, scaled up: every focus area has challenges,
    a sub-goal and strategies. ``top_items`` challenges, goals and strategies stand right under
    the document (default: ``items_per_group``)."""
    root = Spec(Kind.DOCUMENT, "GEN", "Generert strategi")
    root.add(Kind.VISION, "GEN-V", "Visjon", "En generert visjon for «Osloregionen».")
    root.add(Kind.INTRODUCTION, "GEN-I1", "Innledning", "Første avsnitt.\n\nAndre avsnitt.")
    for number in range(1, (items_per_group if top_items is None else top_items) + 1):
        root.add(Kind.CHALLENGE, f"GEN-U{number}", f"Overordnet utfordring {number}")
        root.add(Kind.GOAL, f"GEN-M{number}", f"Å nå overordnet mål {number}")
        root.add(Kind.STRATEGY, f"GEN-S{number}", f"Ved å følge overordnet strategi {number}")
    focus_section = root.add(Kind.SECTION, "GEN-IO", "Innsatsområder i generert strategi")
    for area_number in range(1, focus_areas + 1):
        prefix = f"GEN-F{area_number}"
        area = focus_section.add(
            Kind.FOCUS_AREA,
            prefix,
            f"Innsatsområde {area_number} – miljø og næring",
            "Innledning til området, med en kilde.",
            source=area_number,
        )
        for number in range(1, items_per_group + 1):
            area.add(Kind.CHALLENGE, f"{prefix}-U{number}", f"Utfordring {number} i {prefix}")
        area.add(Kind.SUBGOAL, f"{prefix}-D", f"Å oppnå delmålet for {prefix}")
        for number in range(1, items_per_group + 1):
            area.add(Kind.STRATEGY, f"{prefix}-S{number}", f"Ved å gjøre tiltak {number}")
    theme_section = root.add(Kind.SECTION, "GEN-TT", "Temaer i generert strategi", "Intro.")
    for number in range(1, themes + 1):
        theme_section.add(Kind.THEME, f"GEN-TT{number}", f"Tema {number}", "Tekst.\n\nMer.")
    return root


def build_generated_tree(
    focus_areas: int = 20, items_per_group: int = 50, themes: int = 20, top_items: int | None = None
) -> StrategyElement:
    """``generated_spec`` stored in a few bulk statements, with the nested-set numbers, slugs,
    paths and public flags that ``save()`` would give (``tests.admin_helpers.
    assert_tree_intact`` recomputes them): saving 2,000 elements one by one takes minutes.
    What ``save()``'s signals would add comes after: the words for search's vocabulary and a
    new content version. The defaults give 2,000+ elements; ``focus_areas=48`` 5,071."""
    tree_id = (
        StrategyElement.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0
    ) + 1
    levels: list[list[tuple[Spec, StrategyElement]]] = []
    counter = 0

    def number(spec: Spec, parent: StrategyElement | None, level: int) -> StrategyElement:
        nonlocal counter
        counter += 1
        element = StrategyElement(
            kind=spec.kind,
            code=spec.code,
            title=spec.title,
            body=spec.body,
            is_published=True,
            # Stored, derived flag (save() would set it): the rule from strategy/public.py.
            is_public=is_public_under(True, parent.is_public if parent is not None else None),
            tree_id=tree_id,
            level=level,
            lft=counter,
            slug=norwegian_slugify(spec.title),
        )
        element.parent = parent
        element.path = element.compute_path()
        if parent is None:  # beside another document: numbered as save() would do it
            element.path = element._unique_path(element.path)
        while len(levels) <= level:
            levels.append([])
        levels[level].append((spec, element))
        for child in spec.children:
            number(child, element, level + 1)
        counter += 1
        element.rght = counter
        return element

    root = number(generated_spec(focus_areas, items_per_group, themes, top_items), None, 0)
    for level in levels:  # parents first, so that every parent_id is known
        for _spec, element in level:
            element.parent_id = element.parent.pk if element.parent else None
        StrategyElement.objects.bulk_create([element for _spec, element in level], 1000)
    Source.objects.bulk_create(
        Source(element=element, number=spec.source, text=f"Kilde {spec.source}", anchor="kilde")
        for level in levels
        for spec, element in level
        if spec.source is not None
    )
    SearchWord.objects.add_words_of(
        text for level in levels for spec, _element in level for text in (spec.title, spec.body)
    )
    ContentVersion.bump()
    return root
