"""Two editors, one element (issue 11, point 6): a form, confirmation page or tree list opened
before someone else's save is refused with a Norwegian message that shows what changed, and
the editor can apply their change again. Every form is posted the way the browser would post
the page it got (``form_fields``)."""

import re

import pytest
from django.core.exceptions import ValidationError

from strategy.admin.changelist import open_url
from strategy.models import (
    PendingChange,
    StaleVersion,
    StrategyElement,
)
from tests.admin_helpers import (
    admin_url,
    assert_tree_intact,
    form_fields,
    logged_in_editor,
    messages_of,
    move,
    tree_snapshot,
)
from tests.editor_helpers import get, seen
from tests.helpers import element_html

# A text change of a public element is published with a change note (issue 13).
NOTE = "Språklig rettelse"


@pytest.fixture
def client_a(strategy):
    return logged_in_editor("redaktor-a")


@pytest.fixture
def client_b(strategy):
    return logged_in_editor("redaktor-b")


def open_form(client, element: StrategyElement) -> dict[str, str]:
    response = client.get(admin_url("change", element.pk))
    assert response.status_code == 200
    return form_fields(response.content.decode())


def conflict_box(html: str) -> str:
    return element_html(html, "section", class_="strategy-conflict")


def test_a_saves_the_title_b_saves_the_body_and_a_s_title_survives(client_a, client_b):
    """Bug prevented (the issue's A/B): A opens the form, B opens the form, A saves a new
    title, B saves a new body - and A's title was silently gone."""
    goal = get("M1")
    original_title, original_body = goal.title, goal.body
    url = admin_url("change", goal.pk)
    form_a, form_b = open_form(client_a, goal), open_form(client_b, goal)

    form_a["title"] = "Å være en grønn foregangsregion"
    assert client_a.post(url, form_a).status_code == 302

    form_b["body"] = "Ny brødtekst fra B.\r\n\r\nAndre avsnitt."
    refused = client_b.post(url, form_b)
    assert refused.status_code == 200  # the form again, not a save
    html = refused.content.decode()
    assert "Ikke lagret: noen andre har endret elementet etter at du åpnet skjemaet" in html
    assert "redaktor-a" in html  # who saved in between
    stored = get("M1")
    assert (stored.title, stored.body) == ("Å være en grønn foregangsregion", original_body)

    # What changed: the title, from what B saw to what A saved.
    box = conflict_box(html)
    assert "Tittel" in box and original_title in box and "Å være en grønn foregangsregion" in box
    assert "Brødtekst" not in box  # B's own change is not "changed by others"

    # The form now holds A's title and B's body: B saves again, and both stay.
    again = form_fields(html)
    assert again["title"] == "Å være en grønn foregangsregion"
    assert again["body"] == "Ny brødtekst fra B.\r\n\r\nAndre avsnitt."
    assert client_b.post(url, again).status_code == 302
    final = get("M1")
    assert final.title == "Å være en grønn foregangsregion"
    assert final.body == "Ny brødtekst fra B.\n\nAndre avsnitt."
    assert final.version == goal.version + 2
    assert_tree_intact()


def test_both_change_the_same_field_the_form_keeps_mine_and_flags_it(client_a, client_b):
    """Bug prevented: a conflict on one field resolved silently either way."""
    goal = get("M2")
    url = admin_url("change", goal.pk)
    form_a, form_b = open_form(client_a, goal), open_form(client_b, goal)
    form_a["title"] = "Å gjøre det A vil"
    client_a.post(url, form_a)
    form_b["title"] = "Å gjøre det B vil"
    html = client_b.post(url, form_b).content.decode()
    assert get("M2").title == "Å gjøre det A vil"
    box = conflict_box(html)
    assert "endret av begge" in box and "Å gjøre det A vil" in box and "Å gjøre det B vil" in box
    assert form_fields(html)["title"] == "Å gjøre det B vil"


def test_a_form_opened_before_a_move_cannot_move_the_element_back(client_a, client_b):
    """Bug prevented: a stale form's "overordnet element" putting back a parent someone else
    has just moved the element away from."""
    strategy_item = get("K-S1")
    form = open_form(client_b, strategy_item)
    StrategyElement.objects.move_node(get("K-S1"), get("T"), "last-child")
    form["title"] = "Ved å endre etter flyttingen"
    html = client_b.post(admin_url("change", strategy_item.pk), form).content.decode()
    assert "Ikke lagret" in html
    assert get("K-S1").parent.code == "T"
    again = form_fields(html)
    assert again["parent"] == str(get("T").pk)  # the move is taken in
    assert client_b.post(admin_url("change", strategy_item.pk), again).status_code == 302
    moved = get("K-S1")
    assert (moved.parent.code, moved.title) == ("T", "Ved å endre etter flyttingen")
    assert_tree_intact()


def test_a_form_without_a_version_is_refused(client_a):
    """Bug prevented: optimistic locking skipped by leaving the version out of the post."""
    goal = get("M1")
    form = open_form(client_a, goal)
    del form["opened_version"]
    form["title"] = "Å lure låsen"
    response = client_a.post(admin_url("change", goal.pk), form)
    assert response.status_code == 200
    assert "mangler versjonsnummeret" in response.content.decode()
    assert get("M1").title == goal.title


def test_drafts_a_saves_a_draft_title_b_a_draft_body(client_a, client_b):
    """Bug prevented: B's "Lagre som utkast" overwriting A's draft made after B opened."""
    goal = get("M1")
    url = admin_url("change", goal.pk)
    form_a, form_b = open_form(client_a, goal), open_form(client_b, goal)
    form_a.update(title="Å utkaste en tittel", _save_draft="Lagre som utkast")
    assert client_a.post(url, form_a).status_code == 302
    form_b.update(body="Utkast til brødtekst fra B.", _save_draft="Lagre som utkast")
    html = client_b.post(url, form_b).content.decode()
    assert "Ikke lagret" in html
    draft = PendingChange.objects.get(element=goal)
    assert (draft.title, draft.body) == ("Å utkaste en tittel", goal.body)
    again = form_fields(html)
    assert again["title"] == "Å utkaste en tittel"
    again["_save_draft"] = "Lagre som utkast"
    assert client_b.post(url, again).status_code == 302
    draft = PendingChange.objects.get(element=goal)
    assert (draft.title, draft.body) == ("Å utkaste en tittel", "Utkast til brødtekst fra B.")
    live = get("M1")
    assert (live.title, live.body) == (goal.title, goal.body)  # still only drafts


def test_publish_confirmation_opened_before_a_new_draft_is_refused(client_a, client_b):
    """Bug prevented: publishing a draft the editor never saw (saved by someone else after the
    confirmation page, which showed the older draft, was opened)."""
    goal = get("M1")
    PendingChange.objects.create(element=goal, title="Å publisere A sitt utkast", body=goal.body)
    confirm = client_a.get(admin_url("publish", goal.pk)).content.decode()
    assert "Å publisere A sitt utkast" in seen(confirm)  # its words marked as inserted

    form_b = open_form(client_b, goal)
    form_b.update(title="Å publisere B sitt utkast", _save_draft="Lagre som utkast")
    assert client_b.post(admin_url("change", goal.pk), form_b).status_code == 302

    response = client_a.post(admin_url("publish", goal.pk), form_fields(confirm, "publish-form"))
    assert response.status_code == 302 and response["Location"] == admin_url("publish", goal.pk)
    (message,) = messages_of(response)
    assert "er endret av noen andre etter at du åpnet den" in message
    assert "redaktor-b" in message and "Utkast" in message and "Ingenting er lagret" in message
    assert get("M1").title == goal.title  # nothing published

    confirm = client_a.get(admin_url("publish", goal.pk)).content.decode()
    assert "Å publisere B sitt utkast" in seen(confirm)  # the page now shows what would go out
    client_a.post(
        admin_url("publish", goal.pk), {**form_fields(confirm, "publish-form"), "note": NOTE}
    )
    assert get("M1").title == "Å publisere B sitt utkast"


def test_restore_confirmation_opened_before_a_save_is_refused(client_a, client_b):
    """Bug prevented: restoring an old version over a save made after the editor compared."""
    goal = get("M1")
    baseline = StrategyElement.history.filter(id=goal.pk).earliest("history_date")
    form_a = open_form(client_a, goal)
    form_a["title"] = "Å endre først"
    client_a.post(admin_url("change", goal.pk), form_a)
    url = admin_url("restore", goal.pk, baseline.history_id)
    confirm = client_a.get(url).content.decode()

    form_b = open_form(client_b, get("M1"))
    form_b["title"] = "Å endre etter at A så sammenligningen"
    client_b.post(admin_url("change", goal.pk), form_b)

    response = client_a.post(url, form_fields(confirm, "restore-form"))
    assert response.status_code == 302 and response["Location"] == url
    assert "Endret siden da: Tittel" in messages_of(response)[0]
    assert get("M1").title == "Å endre etter at A så sammenligningen"


def listed_versions(client, *shown: StrategyElement) -> dict[int, int]:
    """The versions the element list carries, opened (it loads lazily) down to ``shown``."""
    url = admin_url("changelist")
    for element in shown:
        url = open_url(url, element).partition("#")[0]
    html = client.get(url).content.decode()
    pattern = r'class="tree-version" hidden data-pk="(\d+)" data-version="(\d+)"'
    return {int(pk): int(version) for pk, version in re.findall(pattern, html)}


def test_drag_and_drop_on_a_list_loaded_before_a_change_is_refused(client_a, client_b):
    """Bug prevented: a drag and drop on an old list moving an element someone else has moved
    meanwhile (A's list still shows it under K) to where A thought it should go."""
    item, target = get("K-S1"), get("K-S2")
    versions = listed_versions(client_a, item, target)
    assert versions[item.pk] == item.version
    StrategyElement.objects.move_node(get("K-S1"), get("T"), "last-child")  # B moves it
    before = tree_snapshot()

    response = move(client_a, item, target, "right", versions)
    assert response.content.startswith(b"FAIL")
    (message,) = messages_of(response)
    assert message.startswith("Flyttingen ble avvist:") and "endret av noen andre" in message
    assert "Overordnet element" in message
    assert tree_snapshot() == before

    versions = listed_versions(client_a, get("K-S1"), get("K-S2"))
    response = move(client_a, get("K-S1"), target, "right", versions)
    assert response.content.startswith(b"OK")
    assert get("K-S1").parent.code == "K"
    assert_tree_intact()


def test_a_move_without_versions_is_refused(client_a):
    """Bug prevented: a move post that skips the version check by leaving it out."""
    before = tree_snapshot()
    response = client_a.post(
        admin_url("changelist"),
        {
            "cmd": "move_node",
            "cut_item": get("S3").pk,
            "pasted_on": get("S1").pk,
            "position": "left",
        },
    )
    assert response.content.startswith(b"FAIL")
    assert "mangler versjonsnumrene" in messages_of(response)[0]
    assert tree_snapshot() == before


def test_every_verb_refuses_an_old_version_and_changes_nothing(strategy):
    """Bug prevented: a door (code, a command) where the version is not checked at save."""
    goal = get("M1")
    old = goal.version
    goal.title = "Å lagre først"
    goal.save()
    assert get("M1").version == old + 1
    before = (tree_snapshot(), list(PendingChange.objects.values_list()))

    stale = get("M1")
    stale.title = "Å lagre over"
    with pytest.raises(StaleVersion):
        stale.save(expected_version=old)
    with pytest.raises(StaleVersion):
        goal.save_draft({"title": "Å utkaste over"}, expected_version=old)
    with pytest.raises(StaleVersion):
        goal.publish(expected_version=old)
    baseline = StrategyElement.history.filter(id=goal.pk).earliest("history_date")
    with pytest.raises(StaleVersion):
        get("M1").restore_version(baseline, expected_version=old)
    with pytest.raises(StaleVersion):
        StrategyElement.objects.move_node(get("M1"), get("M2"), "right", expected_version=old)
    assert (tree_snapshot(), list(PendingChange.objects.values_list())) == before
    assert isinstance(StaleVersion(goal.pk, old), ValidationError)  # a Norwegian refusal


def test_a_draft_counts_as_a_version_but_leaves_the_element_untouched(strategy):
    """Bug prevented: a draft that does not make older forms stale, or that writes the
    element's row (its history, its "sist endret", the public version)."""
    goal = get("M1")
    history = StrategyElement.history.filter(id=goal.pk).count()
    goal.save_draft({"title": "Å utkaste", "slug": goal.slug, "body": goal.body})
    after = get("M1")
    assert after.version == goal.version + 1
    assert (after.title, after.updated_at) == (goal.title, goal.updated_at)
    assert StrategyElement.history.filter(id=goal.pk).count() == history
