"""Differences an editor can read (strategy/admin/diffs.py): publish, compare and restore mark the
words that changed, struck through and underlined with a spoken label, not whole fields and not
by colour alone."""

from strategy.admin.diffs import Piece, render_side, word_diff
from strategy.models import PendingChange, StrategyElement
from tests.admin_helpers import admin_url, form_fields
from tests.editor_helpers import compare_cells, heard, seen

# A text change of a public element is published with a change note (issue 13).
NOTE = "Språklig rettelse"


def test_only_the_changed_words_are_marked():
    """Bug prevented: a whole field marked as changed when one word in it changed."""
    old = "Å bli et lavutslippssamfunn mot 2050, med god tilgang."
    new = "Å bli et nullutslippssamfunn mot 2050; med god tilgang."
    assert word_diff(old, new) == [
        Piece("same", "Å bli et "),
        Piece("deleted", "lavutslippssamfunn"),
        Piece("inserted", "nullutslippssamfunn"),
        Piece("same", " mot 2050"),
        Piece("deleted", ","),
        Piece("inserted", ";"),
        Piece("same", " med god tilgang."),
    ]
    assert word_diff("FN’s mål", "FN’s nye mål") == [
        Piece("same", "FN’s "),
        Piece("inserted", "nye "),
        Piece("same", "mål"),
    ]
    assert word_diff("", "") == [] and word_diff("likt", "likt") == [Piece("same", "likt")]


def test_each_side_shows_its_text_with_accessible_marks():
    """Bug prevented: changes shown by colour alone (WCAG 1.4.1), or text in a version
    (an editor's «<script>») becoming markup on the comparison page."""
    pieces = word_diff("Tekst <b>gammel</b>", "Tekst <script>ny</script>")
    old, new = render_side(pieces, "old"), render_side(pieces, "new")
    assert seen(old) == "Tekst <b>gammel</b>" and seen(new) == "Tekst <script>ny</script>"
    assert "<script" not in new and "<b>" not in old  # escaped: "&lt;" + marks + "script"
    assert "<del>" in old and "<ins>" not in old
    assert "<ins>" in new and "<del>" not in new
    assert "[slettet: " in heard(old) and "[lagt til: " in heard(new)


def test_publish_compare_and_restore_mark_words(editor_client):
    """Bug prevented: the publish, compare and restore pages marking the whole body as changed
    when a sentence was added."""
    goal = StrategyElement.objects.get(code="T")
    old_body = goal.body
    words = old_body.split(" ")
    new_body = " ".join([*words[:4], "og", "bærekraftig", *words[4:]])

    PendingChange.objects.create(element=goal, title=goal.title, slug=goal.slug, body=new_body)
    page = editor_client.get(admin_url("publish", goal.pk)).content.decode()
    live, draft = compare_cells(page, "Brødtekst (endret)")
    assert seen(draft) == seen(new_body) and seen(live) == seen(old_body)
    assert draft.count("<ins>") == 1 and "<del>" not in live
    assert "og bærekraftig" in draft.split("<ins>")[1].split("</ins>")[0]
    assert "gjennomstreket" in page and "understreket" in page  # the legend says how

    editor_client.post(
        admin_url("publish", goal.pk), {**form_fields(page, "publish-form"), "note": NOTE}
    )
    versions = list(StrategyElement.history.filter(id=goal.pk).order_by("history_id"))
    page = editor_client.get(
        admin_url("compare", goal.pk),
        {"fra": versions[0].history_id, "til": versions[-1].history_id},
    ).content.decode()
    _old, new = compare_cells(page, "Brødtekst (endret)")
    assert new.count("<ins>") == 1 and "og bærekraftig" in new.split("</ins>")[0]

    page = editor_client.get(admin_url("restore", goal.pk, versions[0].history_id)).content.decode()
    now, restored = compare_cells(page, "Brødtekst (endret)")
    assert now.count("<del>") == 1 and "og bærekraftig" in now.split("</del>")[0]
    assert "<ins>" not in restored and "<del>" not in restored  # a pure deletion
    editor_client.post(
        admin_url("restore", goal.pk, versions[0].history_id), form_fields(page, "restore-form")
    )
    assert StrategyElement.objects.get(code="T").body == old_body
    # Untouched fields are not marked at all.
    assert goal.title in page and "Tittel (endret)" not in page
