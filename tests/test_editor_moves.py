"""Moving elements without a mouse (strategy/admin/moves.py): «Flytt opp», «Flytt ned» and
«Flytt til …» as plain forms, drag and drop, all through the same model verb, each ending in a
Norwegian message naming what moved where, with a one-click undo."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError

from strategy.admin.changelist import OPEN_PARAM
from strategy.models import Kind, Placement, StrategyElement
from tests.admin_helpers import (
    admin_url,
    assert_tree_intact,
    make_staff_without_permissions,
    messages_of,
    move,
    tree_snapshot,
)
from tests.editor_helpers import get


def codes_under(code: str) -> list[str]:
    return [child.code for child in get(code).get_children()]


def step(client, element: StrategyElement, direction: str, back_to: str | None = None):
    data = {"flytt": f"{element.pk}:{direction}"}
    if back_to is not None:
        data["neste"] = back_to
    return client.post(admin_url("move_step"), data)


def undo_form(message: str) -> tuple[str, dict]:
    """The action and fields of the undo button in a move message."""
    action = re.search(r'<form method="post" action="([^"]+)"', message).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', message))
    return action, {name: unescape(value) for name, value in fields.items()}


def last_move_message(response) -> str:
    """The message of the last move (earlier ones wait in the message store until a page
    shows them: the test client does not follow redirects)."""
    return [m for m in messages_of(response) if "er flyttet" in m or "avvist" in m][-1]


def test_move_up_and_down_with_a_message_and_undo(editor_client, editor):
    """Bug prevented: reordering that needs a mouse (WCAG 2.1.1), that says nothing about what
    happened, or that cannot be taken back."""
    assert codes_under("K")[:3] == ["K-U1", "K-U2", "K-D"]
    response = step(editor_client, get("K-U2"), "opp")
    assert response.status_code == 302
    assert codes_under("K")[:3] == ["K-U2", "K-U1", "K-D"]
    message = last_move_message(response)
    assert message.startswith("«K-U2 Næringslivet mangler kompetent arbeidskraft» er flyttet fra ")
    assert "fra under «K Konkurransekraft og næringsutvikling», rett etter «K-U1 " in message
    assert "til øverst under «K Konkurransekraft og næringsutvikling»." in message
    assert "Angre flyttingen" in message

    # The undo is one click: a POST form with everything it needs.
    action, fields = undo_form(message)
    assert action == admin_url("move_undo")
    undone = editor_client.post(action, fields)
    assert undone.status_code == 302
    assert codes_under("K")[:3] == ["K-U1", "K-U2", "K-D"]
    assert "er flyttet" in last_move_message(undone)  # the undo is a move like any other

    step(editor_client, get("K-U1"), "ned")
    assert codes_under("K")[:3] == ["K-U2", "K-U1", "K-D"]
    history = StrategyElement.history.filter(id=get("K-U1").pk).order_by("-history_id")
    assert (history[0].history_change_reason, history[0].history_user) == ("Flyttet", editor)
    assert LogEntry.objects.filter(object_id=str(get("K-U2").pk)).exists()
    assert_tree_intact()


def test_a_move_that_cannot_be_done_is_refused_and_changes_nothing(editor_client):
    """Bug prevented: «Flytt opp» on the first element (or the document) doing something odd,
    or a 500 from a tampered form."""
    before = tree_snapshot()
    first = get("K").get_children().first()
    response = step(editor_client, first, "opp")
    assert response.status_code == 302
    assert "Flyttingen ble avvist" in last_move_message(response)
    assert "står allerede øverst" in last_move_message(response)
    assert "kan ikke flyttes" in last_move_message(step(editor_client, get("OR"), "ned"))
    for bad in ("", "x:opp", f"{first.pk}:sidelengs", f"{first.pk}", "999999:opp"):
        assert editor_client.post(admin_url("move_step"), {"flytt": bad}).status_code == 404
    assert editor_client.get(admin_url("move_step")).status_code == 405
    assert tree_snapshot() == before


def test_the_move_returns_to_the_list_with_the_element_shown(editor_client):
    """Bug prevented: after a move the editor lands on the collapsed top of the list and cannot
    see where the element went."""
    listing = admin_url("changelist") + "?apne=1"
    response = step(editor_client, get("T-S2"), "opp", back_to=listing)
    target = urlsplit(response["Location"])
    assert target.path == admin_url("changelist")
    opened = dict(part.split("=") for part in target.query.split("&"))[OPEN_PARAM]
    ancestors = {str(a.pk) for a in get("T-S2").get_ancestors()}
    assert ancestors <= set(unescape(opened).replace("%2C", ",").split(","))
    assert target.fragment == f"element-{get('T-S2').pk}"
    # Somewhere else than the admin is never a target.
    away = step(editor_client, get("T-S2"), "ned", back_to="https://example.org/")
    assert away["Location"].startswith(admin_url("changelist"))


def test_move_to_offers_only_allowed_parents_and_moves(editor_client):
    """Bug prevented: «Flytt til …» offering a parent the tree rules refuse (a strategy under a
    part), or the element's own subtree."""
    strategy = get("T-S2")
    page = editor_client.get(admin_url("move_to", strategy.pk)).content.decode()
    offered = set(map(int, re.findall(r'<option value="(\d+)"', page)))
    allowed = set(
        StrategyElement.objects.filter(kind__in=[Kind.DOCUMENT, Kind.FOCUS_AREA]).values_list(
            "pk", flat=True
        )
    )
    assert offered == allowed
    assert "(står her nå)" in page

    area = get("K")
    page = editor_client.get(admin_url("move_to", area.pk)).content.decode()
    offered = set(map(int, re.findall(r'<option value="(\d+)"', page)))
    assert offered == {get("IO").pk, get("TT").pk}  # parts only, never itself

    response = editor_client.post(
        admin_url("move_to", strategy.pk), {"forelder": area.pk, "plass": "forst"}
    )
    assert response.status_code == 302
    moved = get("T-S2")
    assert moved.parent_id == area.pk and moved.get_previous_sibling() is None
    assert moved.path.startswith("innsatsomrader/konkurransekraft-og-naeringsutvikling/")
    message = last_move_message(response)
    assert "fra under «T Transport og mobilitet»" in message
    assert "til øverst under «K Konkurransekraft og næringsutvikling»" in message
    action, fields = undo_form(message)
    editor_client.post(action, fields)
    assert get("T-S2").parent.code == "T" and get("T-S2").get_previous_sibling().code == "T-S1"
    assert_tree_intact()


def test_move_to_refuses_bad_input_in_norwegian(editor_client):
    """Bug prevented: a posted parent outside the list (a part, the element itself, garbage)
    moving the element, or a 500."""
    strategy = get("T-S2")
    before = tree_snapshot()
    for data in (
        {"forelder": get("IO").pk, "plass": "sist"},
        {"forelder": strategy.pk, "plass": "sist"},
        {"forelder": "x", "plass": "sist"},
        {"forelder": get("K").pk, "plass": "midt"},
        {},
    ):
        response = editor_client.post(admin_url("move_to", strategy.pk), data)
        assert response.status_code == 200
        assert "Velg et nytt overordnet element" in response.content.decode()
    assert tree_snapshot() == before
    # An id that is no number matches no URL pattern with <int:…>: still a 404.
    not_a_number = admin_url("move_to", 1).replace("/1/", "/x/")
    assert editor_client.get(not_a_number).status_code == 404
    assert editor_client.get(admin_url("move_to", get("OR").pk)).status_code == 404


def test_drag_and_drop_goes_through_the_same_verb_with_undo(editor_client, editor):
    """Bug prevented: drag and drop that confirms nothing and cannot be undone, or that skips
    the rules and the history the buttons follow."""
    response = move(editor_client, get("S3"), get("S1"), "left", query="?apne=1")
    assert response.content.startswith(b"OK")
    assert [c for c in codes_under("OR") if c.startswith("S")][:3] == ["S3", "S1", "S2"]
    message = last_move_message(response)
    assert "«S3 Ved å utvise multifunksjonell ledelse" in message
    assert (
        "til under «OR Strategiske føringer for Osloregionen 2025–2028», rett etter «M3 " in message
    )
    action, fields = undo_form(message)
    assert fields["neste"] == admin_url("changelist") + "?apne=1"
    editor_client.post(action, fields)
    assert [c for c in codes_under("OR") if c.startswith("S")][:3] == ["S1", "S2", "S3"]
    assert StrategyElement.history.filter(id=get("S3").pk, history_user=editor).count() == 2


def test_an_undo_whose_place_is_gone_is_refused(editor_client):
    """Bug prevented: an undo putting an element next to a sibling that has since moved to
    another parent (somewhere the editor never had it)."""
    response = step(editor_client, get("K-U2"), "ned")
    action, fields = undo_form(last_move_message(response))
    # Meanwhile, the old neighbour (K-U1) moves to another focus area.
    StrategyElement.objects.move_element(get("K-U1"), get("T"), "last-child")
    before = tree_snapshot()
    refused = editor_client.post(action, fields)
    assert "står ikke lenger under" in last_move_message(refused)
    assert tree_snapshot() == before
    fields["forelder"] = "x"
    assert editor_client.post(action, fields).status_code == 404


def test_the_change_form_offers_the_moves(editor_client):
    """Bug prevented: an editor on an element's form with no way to move it but the list's
    drag and drop."""
    element = get("K-U2")
    html = editor_client.get(admin_url("change", element.pk)).content.decode()
    assert f'value="{element.pk}:opp">Flytt opp</button>' in html
    assert f'value="{element.pk}:ned">Flytt ned</button>' in html
    assert admin_url("move_to", element.pk) in html
    form_start = html.index('id="strategyelement_form"')
    assert html.index("Flytt opp") < form_start  # its own form, not nested in the element's
    response = step(editor_client, element, "opp", back_to=admin_url("change", element.pk))
    assert response["Location"] == admin_url("change", element.pk)
    assert codes_under("K")[0] == "K-U2"


@pytest.mark.parametrize("view", ["move_step", "move_to", "move_undo", "body_preview"])
def test_staff_without_permissions_cannot_move(client, strategy, view):
    """Bug prevented: any staff account moving the strategy through the new forms."""
    client.force_login(make_staff_without_permissions())
    element = get("K-U2")
    before = tree_snapshot()
    urls = {
        "move_step": (admin_url("move_step"), {"flytt": f"{element.pk}:opp"}),
        "move_to": (admin_url("move_to", element.pk), {"forelder": get("T").pk}),
        "move_undo": (
            admin_url("move_undo"),
            {"element": element.pk, "forelder": get("T").pk, "etter": ""},
        ),
        "body_preview": (admin_url("body_preview"), {"tekst": "x"}),
    }
    url, data = urls[view]
    assert client.post(url, data).status_code == 403
    assert tree_snapshot() == before


def test_the_model_verbs_report_where_the_element_stood(strategy):
    """Bug prevented: an undo that cannot know the old place because the verb forgot it."""
    element = get("K-U2")
    move = StrategyElement.objects.move_up(element)
    assert move.before == Placement(get("K").pk, get("K-U1").pk)
    assert move.after == Placement(get("K").pk, None)
    back = StrategyElement.objects.move_back(move.element, move.before)
    assert back.after == move.before
    with pytest.raises(ValidationError):
        StrategyElement.objects.move_element(get("K"), get("K-U1"), "last-child")  # own child
    with pytest.raises(ValidationError):
        StrategyElement.objects.move_element(get("K-U1"), get("K-U2"), "sideways")


@pytest.mark.parametrize(("position", "expected"), [("left", 0), ("right", 1), ("first-child", 0)])
def test_a_move_to_another_parent_lands_where_it_was_dropped(strategy, position, expected):
    """Bug prevented: an element dropped before (or after, or first under) an element of
    another parent ending up last under that parent: the model's save() took the parent of
    mptt's half-finished move for a stale copy and moved it again."""
    target = get("K-U1") if position != "first-child" else get("K")
    StrategyElement.objects.move_element(get("T-S2"), target, position)
    assert codes_under("K").index("T-S2") == expected
    assert_tree_intact()
