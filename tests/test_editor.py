"""The secretariat's editor, driven through the real admin views with the test client."""

import re

import pytest
from django.contrib.admin.models import LogEntry

from strategy.models import Kind, PendingChange, StrategyElement
from tests.admin_helpers import (
    admin_url,
    assert_tree_intact,
    element_form_data,
    form_fields,
    messages_of,
    move,
    tree_snapshot,
)
from tests.editor_helpers import compare_cells, get, seen
from tests.helpers import element_html


def kind_options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"', element_html(html, "select", name="kind"))


def history_of(element: StrategyElement):
    return list(
        StrategyElement.history.filter(id=element.pk).order_by("history_date", "history_id")
    )


# 1. Editing the tree -------------------------------------------------------------------


def test_admin_is_norwegian_and_titled_for_the_editors(editor_client):
    """Bug prevented: an English admin titled "Django administration" for Norwegian editors."""
    response = editor_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="nb"' in html
    assert "Osloregionen – redaksjon" in html
    assert "Strategielementer" in html
    assert "Django administration" not in html


def test_changelist_shows_tree_filters_and_row_links(editor_client, strategy):
    """Bug prevented: rows without the "add below" action or the link to the public page."""
    response = editor_client.get(admin_url("changelist"))
    html = response.content.decode()
    # The lazy tree opens with the top levels: the document, its items and parts, and the
    # focus areas and themes (tests/test_editor_tree.py opens the rest).
    assert html.count('class="tree-node"') == StrategyElement.objects.filter(level__lte=2).count()
    transport = get("T")
    assert f"{admin_url('add')}?parent={transport.pk}" in html
    assert f'href="{transport.get_absolute_url()}">Vis på nettstedet' in html
    assert ">Tittel<" in html  # not mptt's untranslated "title"
    assert "?kind__exact=focus_area" in html and "?is_published__exact=0" in html  # filters
    # Strings Django 6.1's own nb catalogue lacks come from locale/nb (the project's catalogue).
    for english, norwegian in (
        ("Show counts", "Vis antall"),
        ("- Select an option -", "– Velg –"),
        ("Skip to main content", "Hopp til hovedinnhold"),
    ):
        assert english not in html and norwegian in html
    searched = editor_client.get(admin_url("changelist"), {"q": "Transport og mobilitet"})
    assert "Transport og mobilitet" in searched.content.decode()


def test_add_form_offers_only_the_kinds_allowed_under_the_parent(editor_client):
    """Bug prevented: offering "Mål" under a part, which the tree rules refuse."""
    section = get("IO")
    html = editor_client.get(admin_url("add"), {"parent": section.pk}).content.decode()
    assert kind_options(html) == [Kind.INTRODUCTION, Kind.FOCUS_AREA, Kind.THEME]
    focus_area = get("T")
    html = editor_client.get(admin_url("add"), {"parent": focus_area.pk}).content.decode()
    assert kind_options(html) == [Kind.INTRODUCTION, Kind.CHALLENGE, Kind.SUBGOAL, Kind.STRATEGY]


def test_creating_an_element_starts_it_as_a_draft(editor_client, editor, client):
    """Bug prevented: a new element going public before the secretariat publishes it."""
    transport = get("T")
    data = element_form_data(
        parent=transport.pk, kind=Kind.STRATEGY, code="T-S9", title="Ved å bygge sykkelveier"
    )
    response = editor_client.post(admin_url("add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = get("T-S9")
    assert created.is_published is False
    assert (
        created.path == "innsatsomrader/transport-og-mobilitet/strategier/ved-a-bygge-sykkelveier"
    )
    assert created.parent_id == transport.pk
    assert_tree_intact()
    client.logout()
    assert client.get(created.get_absolute_url()).status_code == 404
    (version,) = history_of(created)
    assert version.history_type == "+"
    assert version.history_user == editor


def test_a_wrong_kind_under_a_parent_is_refused_in_norwegian(editor_client):
    """Bug prevented: a goal saved under a part, breaking the page structure (or a 500)."""
    before = tree_snapshot()
    data = element_form_data(parent=get("IO").pk, kind=Kind.GOAL, code="X1", title="Feil sted")
    response = editor_client.post(admin_url("add"), data)
    assert response.status_code == 200
    assert "«Mål» kan ikke ligge under «Del»" in response.content.decode()
    assert tree_snapshot() == before


def test_changing_a_kind_that_would_orphan_children_is_refused(editor_client):
    """Bug prevented: a focus area turned into a strategy while goals and strategies still
    stand under it, leaving a tree the rules forbid."""
    before = tree_snapshot()
    focus_area = get("T")
    data = element_form_data(focus_area, kind=Kind.THEME)
    response = editor_client.post(admin_url("change", focus_area.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Elementet har underelementer av typen" in html and "«Strategi»" in html
    assert tree_snapshot() == before


def test_a_parent_inside_the_own_subtree_is_refused(editor_client):
    """Bug prevented: a part moved under its own focus area through the form (a loop, or a
    500 from mptt's InvalidMove)."""
    before = tree_snapshot()
    section = get("IO")
    data = element_form_data(section, parent=get("T").pk)
    response = editor_client.post(admin_url("change", section.pk), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert tree_snapshot() == before


def test_editing_saves_to_the_public_page_and_records_who(editor_client, editor, client):
    """Bug prevented: an edit that does not reach the page, or a change nobody can trace."""
    goal = get("M1")
    old_title = goal.title
    data = element_form_data(goal, title="Å gjøre regionen grønnere")
    response = editor_client.post(admin_url("change", goal.pk), data)
    assert response.status_code == 302
    assert "Å gjøre regionen grønnere" in client.get(get("M1").get_absolute_url()).content.decode()
    baseline, change = history_of(goal)
    assert (baseline.title, change.title) == (old_title, "Å gjøre regionen grønnere")
    assert change.history_user == editor
    assert change.history_type == "~"


def test_footnotes_are_edited_inline(editor_client):
    """Bug prevented: sources that can only be edited elsewhere, losing their element."""
    transport = get("T")
    source = transport.sources.get()
    data = element_form_data(transport)
    data["sources-0-text"] = "Ny kildetekst"
    response = editor_client.post(admin_url("change", transport.pk), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.text == "Ny kildetekst"
    history = editor_client.get(admin_url("history", transport.pk)).content.decode()
    assert "Ny kildetekst" in history and "redaktor" in history


def test_change_form_links_to_preview_public_page_and_draft_saving(editor_client):
    """Bug prevented: an editor with no way from the form to the public page, the preview
    or "save as draft"."""
    goal = get("M1")
    html = editor_client.get(admin_url("change", goal.pk)).content.decode()
    assert 'name="_save_draft"' in html
    assert admin_url("preview", goal.pk) in html
    assert f'href="{goal.get_absolute_url()}" class="viewsitelink">Vis på nettstedet' in html
    assert admin_url("history", goal.pk) in html


def test_reordering_siblings_left_and_right(editor_client):
    """Bug prevented: drag and drop among siblings not changing the order on the pages."""
    first, second, third = get("S1"), get("S2"), get("S3")
    response = move(editor_client, third, first, "left")
    assert response.content.startswith(b"OK")
    strategies = [e.code for e in get("OR").get_children() if e.kind == Kind.STRATEGY]
    assert strategies[:3] == ["S3", "S1", "S2"]
    response = move(editor_client, get("S3"), second, "right")
    assert response.content.startswith(b"OK")
    strategies = [e.code for e in get("OR").get_children() if e.kind == Kind.STRATEGY]
    assert strategies[:3] == ["S1", "S2", "S3"]
    assert_tree_intact()


def test_moving_under_another_parent_updates_paths_and_history(editor_client, editor):
    """Bug prevented: a moved element (and its address) left at its old place."""
    item = get("K-S1")
    response = move(editor_client, item, get("T"), "last-child")
    assert response.content.startswith(b"OK")
    moved = get("K-S1")
    assert moved.parent.code == "T"
    assert moved.path.startswith("innsatsomrader/transport-og-mobilitet/strategier/")
    assert moved.get_next_sibling() is None
    assert_tree_intact()
    assert history_of(moved)[-1].history_change_reason == "Flyttet"
    assert history_of(moved)[-1].history_user == editor


@pytest.mark.parametrize(
    ("code", "target", "position"),
    [("TT1", "K", "last-child"), ("K", "S1", "right"), ("M1", "M2", "last-child")],
)
def test_a_wrong_move_is_refused_with_a_norwegian_message(editor_client, code, target, position):
    """Bug prevented: drag and drop putting a theme inside a focus area (or a 500)."""
    before = tree_snapshot()
    response = move(editor_client, get(code), get(target), position)
    assert response.status_code == 200
    assert response.content.startswith(b"FAIL")
    assert any("Flyttingen ble avvist" in m and "kan ikke" in m for m in messages_of(response))
    assert tree_snapshot() == before


# 2. Drafts and preview -----------------------------------------------------------------


def test_a_draft_of_a_published_element_stays_out_of_public_sight(editor_client, client):
    """Bug prevented: "save as draft" publishing the change, or losing it."""
    goal = get("M1")
    live_title = goal.title
    data = element_form_data(goal, title="Utkast: nytt mål", body="Hemmelig **utkast**.")
    data["_save_draft"] = "Lagre som utkast"
    response = editor_client.post(admin_url("change", goal.pk), data)
    assert response.status_code == 302
    assert get("M1").title == live_title
    assert PendingChange.objects.get(element=goal).title == "Utkast: nytt mål"

    form = editor_client.get(admin_url("change", goal.pk)).content.decode()
    assert "Utkast: nytt mål</textarea>" in form  # the editor goes on where they left off

    client.logout()
    public = client.get(goal.get_absolute_url()).content.decode()
    assert live_title in public and "Hemmelig" not in public
    for page in ("/", "/hele-strategien/"):
        assert "Hemmelig" not in client.get(page).content.decode()
    # The preview is for editors only.
    anonymous = client.get(admin_url("preview", goal.pk))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_preview_is_the_public_page_with_the_draft_applied(editor_client, client):
    """Bug prevented: a preview that differs from the page the public will get, or that
    search engines index."""
    goal = get("M1")
    public_html = client.get(goal.get_absolute_url()).content.decode()
    PendingChange.objects.create(element=goal, title="Å prøve et nytt mål", body=goal.body)
    response = editor_client.get(admin_url("preview", goal.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "<h1>Å prøve et nytt mål</h1>" in html
    # Everything else is the public page: same breadcrumbs, siblings and sources.
    public_main = element_html(public_html, "article")
    preview_main = element_html(html, "article")
    assert preview_main.replace("Å prøve et nytt mål", goal.title) == public_main.replace(
        'aria-current="page">Å prøve et nytt mål', f'aria-current="page">{goal.title}'
    )


def test_preview_of_an_unpublished_element(editor_client):
    """Bug prevented: a new element that cannot be seen before it is published."""
    element = StrategyElement.objects.create(
        parent=get("T"), kind=Kind.STRATEGY, code="T-S8", title="Ved å prøve noe nytt"
    )
    response = editor_client.get(admin_url("preview", element.pk))
    assert response.status_code == 200
    assert "<h1>Ved å prøve noe nytt</h1>" in response.content.decode()


def test_publishing_applies_the_draft_in_one_step(editor_client, editor, client):
    """Bug prevented: publishing half a draft, or leaving it pending after publishing."""
    goal = get("M1")
    PendingChange.objects.create(element=goal, title="Å publisere et utkast", body="Ny tekst.")
    confirm = editor_client.get(admin_url("publish", goal.pk))
    _live, draft = compare_cells(confirm.content.decode(), "Tittel (endret)")
    assert seen(draft) == "Å publisere et utkast"
    assert get("M1").title != "Å publisere et utkast"  # a GET changes nothing
    response = editor_client.post(
        admin_url("publish", goal.pk), form_fields(confirm.content.decode(), "publish-form")
    )
    assert response.status_code == 302
    published = get("M1")
    assert (published.title, published.body) == ("Å publisere et utkast", "Ny tekst.")
    assert not PendingChange.objects.filter(element=goal).exists()
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Å publisere et utkast" in page and "Ny tekst." in page
    last = history_of(goal)[-1]
    assert (last.history_change_reason, last.history_user) == ("Publisert", editor)


def test_publishing_a_new_element_makes_it_public(editor_client, client):
    """Bug prevented: no way for an editor to publish an element created as a draft."""
    element = StrategyElement.objects.create(
        parent=get("T"), kind=Kind.STRATEGY, code="T-S8", title="Ved å prøve noe nytt"
    )
    assert client.get(element.get_absolute_url()).status_code == 404
    confirm = editor_client.get(admin_url("publish", element.pk)).content.decode()
    editor_client.post(admin_url("publish", element.pk), form_fields(confirm, "publish-form"))
    assert client.get(element.get_absolute_url()).status_code == 200


# 3. History ----------------------------------------------------------------------------


def test_history_compare_and_restore(editor_client, editor, client):
    """Bug prevented: an editor unable to see who changed what, or to undo a bad edit."""
    goal = get("M1")
    original = goal.title
    for title in ("Å endre en gang", "Å endre to ganger"):
        editor_client.post(admin_url("change", goal.pk), element_form_data(get("M1"), title=title))
    versions = history_of(goal)
    assert [v.title for v in versions] == [original, "Å endre en gang", "Å endre to ganger"]

    page = editor_client.get(admin_url("history", goal.pk)).content.decode()
    assert page.count('name="fra"') == 3
    assert editor.username in page and "Tittel" in page

    compared = editor_client.get(
        admin_url("compare", goal.pk),
        {"fra": versions[0].history_id, "til": versions[2].history_id},
    )
    assert compared.status_code == 200
    old_cell, new_cell = compare_cells(compared.content.decode(), "Tittel (endret)")
    assert (seen(old_cell), seen(new_cell)) == (original, "Å endre to ganger")  # old left

    restore_url = admin_url("restore", goal.pk, versions[0].history_id)
    confirm = editor_client.get(restore_url)
    assert confirm.status_code == 200
    assert get("M1").title == "Å endre to ganger"  # a GET changes nothing
    response = editor_client.post(
        restore_url, form_fields(confirm.content.decode(), "restore-form")
    )
    assert response.status_code == 302
    assert get("M1").title == original
    assert original in client.get(get("M1").get_absolute_url()).content.decode()
    last = history_of(goal)[-1]
    assert last.history_change_reason == f"Gjenopprettet versjon nr. {versions[0].history_id}"
    assert_tree_intact()


def test_compare_with_a_foreign_version_is_a_404(editor_client):
    """Bug prevented: a 500 (or another element's text) from a tampered compare URL."""
    goal, other = get("M1"), get("M2")
    editor_client.post(admin_url("change", other.pk), element_form_data(other, title="Å x"))
    foreign = StrategyElement.history.filter(id=other.pk).first().history_id
    assert (
        editor_client.get(admin_url("compare", goal.pk), {"fra": foreign, "til": "x"}).status_code
        == 404
    )
    assert editor_client.get(admin_url("restore", goal.pk, foreign)).status_code == 404


def test_delete_asks_shows_descendants_and_is_in_the_history(editor_client, editor, client):
    """Bug prevented: deleting a focus area without seeing that its goals and strategies go
    with it, and without a trace of the deletion."""
    focus_area = get("T")
    descendants = list(focus_area.get_descendants())
    confirm = editor_client.get(admin_url("delete", focus_area.pk))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Vil du slette" in html
    listed = element_html(html, "ul", id="deleted-objects")
    for element in [focus_area, *descendants]:
        assert element.title in listed
    assert listed.count("Strategielement: <a") == 1 + len(descendants)
    assert StrategyElement.objects.filter(pk=focus_area.pk).exists()

    response = editor_client.post(
        admin_url("delete", focus_area.pk), {"post": "yes", "bekreft_kode": "t"}
    )
    assert response.status_code == 302
    assert not StrategyElement.objects.filter(
        pk__in=[focus_area.pk, *(e.pk for e in descendants)]
    ).exists()
    deletions = StrategyElement.history.filter(history_type="-")
    assert {v.id for v in deletions} == {focus_area.pk, *(e.pk for e in descendants)}
    assert {v.history_user for v in deletions} == {editor}
    assert_tree_intact()
    history = editor_client.get(admin_url("history", focus_area.pk))
    assert history.status_code == 200 and "Slettet" in history.content.decode()
    assert (
        client.get(focus_area.get_absolute_url()).status_code == 410
    )  # Gone, see the permanent links
    assert LogEntry.objects.filter(object_id=str(focus_area.pk)).exists()


def test_the_element_list_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    """Bug prevented: one query per row (draft state, links) making the editors' tree list
    slow as the strategy grows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import build_generated_tree

    with CaptureQueriesContext(connection) as small:
        assert editor_client.get(admin_url("changelist")).status_code == 200
    build_generated_tree(focus_areas=5, items_per_group=20, themes=5)
    assert StrategyElement.objects.count() > 300
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = editor_client.get(admin_url("changelist"))
    assert response.status_code == 200
