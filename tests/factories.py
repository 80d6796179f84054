"""Builders for test data that the real strategy is too small to exercise."""

from strategy.models import Kind, Source, StrategyElement


def _node(parent, kind, code, title, body="", published=True):
    element = StrategyElement(
        parent=parent, kind=kind, code=code, title=title, body=body, is_published=published
    )
    element.save()
    return element


def build_generated_tree(
    focus_areas: int = 20, items_per_group: int = 30, themes: int = 20
) -> StrategyElement:
    """A document with the real strategy's shape, scaled up: every focus area has challenges,
    a sub-goal and strategies. ``focus_areas=20, items_per_group=50`` gives over 2,000 nodes.

    Nodes are inserted through the model (not raw SQL) so the nested-set numbers, paths and
    slugs are the ones production code computes.
    """
    root = _node(None, Kind.DOCUMENT, "GEN", "Generert strategi")
    _node(root, Kind.VISION, "GEN-V", "Visjon", "En generert visjon for «Osloregionen».")
    _node(root, Kind.INTRODUCTION, "GEN-I1", "Innledning", "Første avsnitt.\n\nAndre avsnitt.")
    for number in range(1, items_per_group + 1):
        _node(root, Kind.CHALLENGE, f"GEN-U{number}", f"Overordnet utfordring {number}")
        _node(root, Kind.GOAL, f"GEN-M{number}", f"Å nå overordnet mål {number}")
        _node(root, Kind.STRATEGY, f"GEN-S{number}", f"Ved å følge overordnet strategi {number}")
    focus_section = _node(root, Kind.SECTION, "GEN-IO", "Innsatsområder i generert strategi")
    for area_number in range(1, focus_areas + 1):
        prefix = f"GEN-F{area_number}"
        area = _node(
            focus_section,
            Kind.FOCUS_AREA,
            prefix,
            f"Innsatsområde {area_number} – miljø og næring",
            "Innledning til området, med en kilde.",
        )
        Source.objects.create(
            element=area, number=area_number, text=f"Kilde {area_number}", anchor="kilde"
        )
        for number in range(1, items_per_group + 1):
            _node(area, Kind.CHALLENGE, f"{prefix}-U{number}", f"Utfordring {number} i {prefix}")
        _node(area, Kind.SUBGOAL, f"{prefix}-D", f"Å oppnå delmålet for {prefix}")
        for number in range(1, items_per_group + 1):
            _node(area, Kind.STRATEGY, f"{prefix}-S{number}", f"Ved å gjøre tiltak {number}")
    theme_section = _node(root, Kind.SECTION, "GEN-TT", "Temaer i generert strategi", "Intro.")
    for number in range(1, themes + 1):
        _node(theme_section, Kind.THEME, f"GEN-TT{number}", f"Tema {number}", "Tekst.\n\nMer.")
    return root
