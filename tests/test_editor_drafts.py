"""Drafts an editor can manage (strategy/admin/drafts.py): the list of pending drafts, «Forkast
utkast» with a confirmation and history, and the drafts marked in the element list."""

import pytest
from django.urls import reverse

from strategy.models import PendingChange, StrategyElement
from tests.admin_helpers import (
    admin_url,
    element_form_data,
    form_fields,
    make_staff_without_permissions,
    messages_of,
)
from tests.editor_helpers import compare_cells, get, seen
from tests.factories import build_generated_tree

# A text change of a public element is published with a change note (issue 13).
NOTE = "Språklig rettelse"

DRAFTS = reverse("admin:strategy_pendingchange_changelist")


def discard_url(draft: PendingChange) -> str:
    return reverse("admin:strategy_pendingchange_discard", args=[draft.pk])


def save_draft(client, element: StrategyElement, **changes):
    """«Lagre som utkast» from the element's form opened now (at its current version)."""
    element = StrategyElement.objects.get(pk=element.pk)
    data = {**element_form_data(element, **changes), "_save_draft": "Lagre som utkast"}
    response = client.post(admin_url("change", element.pk), data)
    assert response.status_code == 302
    return PendingChange.objects.get(element=element)


def test_the_drafts_list_shows_element_author_time_and_changes(editor_client, editor):
    """Bug prevented: /admin/strategy/pendingchange/ answering 404, so nobody could see which
    published elements have unpublished edits waiting."""
    goal = get("M1")
    save_draft(editor_client, goal, body=goal.body + " Ny setning.")
    response = editor_client.get(DRAFTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{admin_url("change", goal.pk)}">{goal}</a>' in html
    assert editor.username in html
    assert '<td class="field-changes">brødtekst</td>' in html  # only the body differs
    assert f'href="{admin_url("preview", goal.pk)}">Forhåndsvis' in html
    assert f'href="{admin_url("publish", goal.pk)}">Publiser' in html
    assert "Forkast utkast" in html
    # Drafts are made from the element's form, never added here.
    assert "Legg til utkast" not in html
    assert editor_client.get(DRAFTS + "add/").status_code == 404


def test_discarding_asks_first_then_keeps_the_text_in_the_history(editor_client, editor, client):
    """Bug prevented: no way to throw a draft away, or a discard that loses the text without a
    trace of who did it."""
    goal = get("M1")
    live_title = goal.title
    draft = save_draft(editor_client, goal, title="Å forkaste et utkast")

    confirm = editor_client.get(discard_url(draft))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Ja, forkast utkastet" in page
    live, drafted = compare_cells(page, "Tittel (endret)")
    assert (seen(live), seen(drafted)) == (live_title, "Å forkaste et utkast")
    assert PendingChange.objects.filter(pk=draft.pk).exists()  # a GET changes nothing

    response = editor_client.post(discard_url(draft))
    assert response.status_code == 302 and response["Location"] == DRAFTS
    assert not PendingChange.objects.filter(element=goal).exists()
    assert get("M1").title == live_title
    assert any("er forkastet" in message for message in messages_of(response))
    client.logout()
    assert live_title in client.get(goal.get_absolute_url()).content.decode()

    versions = list(PendingChange.history.filter(element_id=goal.pk).order_by("history_id"))
    assert [v.history_type for v in versions] == ["+", "-"]
    assert (versions[-1].history_change_reason, versions[-1].history_user) == ("Forkastet", editor)
    assert versions[-1].title == "Å forkaste et utkast"


def test_the_element_history_lists_what_happened_to_its_drafts(editor_client):
    """Bug prevented: a discarded or published draft vanishing from the element's history."""
    goal = get("M1")
    draft = save_draft(editor_client, goal, title="Å bli forkastet")
    editor_client.post(discard_url(draft))
    save_draft(editor_client, goal, title="Å bli publisert")
    confirm = editor_client.get(admin_url("publish", goal.pk)).content.decode()
    editor_client.post(
        admin_url("publish", goal.pk), {**form_fields(confirm, "publish-form"), "note": NOTE}
    )
    html = editor_client.get(admin_url("history", goal.pk)).content.decode()
    section = html[html.index("<h2>Utkast</h2>") :]
    for text in ("Utkast forkastet", "Utkast publisert", "Utkast lagret", "Å bli forkastet"):
        assert text in section


def test_the_change_form_offers_discard_and_returns_to_it(editor_client):
    """Bug prevented: an editor looking at a draft in the form with no way to drop it."""
    goal = get("M1")
    draft = save_draft(editor_client, goal, title="Å ombestemme seg")
    form = editor_client.get(admin_url("change", goal.pk)).content.decode()
    url = f"{discard_url(draft)}?neste={admin_url('change', goal.pk)}"
    assert f'href="{url}">Forkast utkast' in form
    response = editor_client.post(discard_url(draft), {"neste": admin_url("change", goal.pk)})
    assert response["Location"] == admin_url("change", goal.pk)
    away = save_draft(editor_client, goal, title="Å prøve igjen")
    response = editor_client.post(discard_url(away), {"neste": "https://example.org/"})
    assert response["Location"] == DRAFTS


def test_discarding_something_gone_or_foreign_changes_nothing(editor_client, client, strategy):
    """Bug prevented: a 500 on a draft discarded twice or a tampered address, or a staff
    account without the permissions discarding a draft."""
    goal = get("M1")
    draft = PendingChange.objects.create(element=goal, title="Å bli", body=goal.body)
    for bad in ("x", "999999", "9" * 40):
        response = editor_client.get(reverse("admin:strategy_pendingchange_changelist") + bad)
        assert response.status_code == 404
        response = editor_client.post(f"{DRAFTS}{bad}/forkast/")
        assert response.status_code == 404
    client.force_login(make_staff_without_permissions())
    assert client.post(discard_url(draft)).status_code == 403
    assert client.get(DRAFTS).status_code == 403
    assert PendingChange.objects.filter(pk=draft.pk).exists()
    draft.discard()
    with pytest.raises(Exception, match="finnes ikke lenger"):
        draft.discard()


def test_the_drafts_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    """Bug prevented: one query per draft (element, author, what changed) on the drafts list."""
    PendingChange.objects.create(element=get("M1"), title="Å en", body="")
    with django_assert_num_queries(6):
        assert editor_client.get(DRAFTS).status_code == 200
    build_generated_tree(focus_areas=3, items_per_group=10, themes=2)
    PendingChange.objects.bulk_create(
        PendingChange(element=element, title="Utkast", body="Tekst.")
        for element in StrategyElement.objects.filter(code__startswith="GEN")
    )
    with django_assert_num_queries(6):
        response = editor_client.get(DRAFTS)
    assert response.content.decode().count("Forkast utkast") == 100  # a page of drafts
