"""An editor cannot take the whole strategy down (issue 11, point 5): only a superuser may
unpublish, delete or move the document, after a confirmation naming the consequence, and a
large subtree is deleted only after the editor types its code."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from strategy.models import DeletedElement, Kind, StrategyElement
from tests.admin_helpers import (
    admin_url,
    assert_tree_intact,
    form_fields,
    messages_of,
    move,
    tree_snapshot,
)
from tests.editor_helpers import get


@pytest.fixture
def superuser_client(strategy):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("sjef", "sjef@example.com"))
    return client


def public_status(path: str) -> int:
    return Client().get(path).status_code


def test_an_editor_cannot_delete_the_document(editor_client):
    """Bug prevented: a Redaktør deleting the root, and with it (by cascade) everything."""
    root = get("OR")
    before = tree_snapshot()
    for response in (
        editor_client.get(admin_url("delete", root.pk)),
        editor_client.post(admin_url("delete", root.pk), {"post": "yes", "bekreft_kode": "OR"}),
    ):
        assert response.status_code == 403
        html = response.content.decode()
        assert "Bare en superbruker kan slette strategidokumentet" in html
        assert 'lang="nb"' in html
    assert tree_snapshot() == before
    assert public_status("/") == 200


def test_an_editor_cannot_unpublish_the_document(editor_client):
    """Bug prevented: a Redaktør unticking «publisert» on the root, hiding every page."""
    root = get("OR")
    form = form_fields(editor_client.get(admin_url("change", root.pk)).content.decode())
    del form["is_published"]
    form["bekreft_avpublisering"] = "ja"  # not offered to an editor, and no help if posted
    response = editor_client.post(admin_url("change", root.pk), form)
    assert response.status_code == 200
    assert "Bare en superbruker kan avpublisere strategidokumentet" in response.content.decode()
    assert get("OR").is_published
    assert public_status("/") == 200


def test_an_editor_cannot_bulk_delete_the_document_or_a_large_selection(editor_client):
    """Bug prevented: the list's «slett valgte» taking the root (mptt's action skipped the
    permission silently and deleted the rest), or dozens of elements in one click."""
    before = tree_snapshot()
    for selection, expected in (
        (["OR"], "Bare en superbruker kan slette strategidokumentet"),
        (["OR", "S1"], "Bare en superbruker kan slette strategidokumentet"),
        (["S1", "S2", "S3", "S4", "S5", "S6"], "de valgte elementene utgjør 6 elementer"),
        (["T"], "Mer enn 5 slettes ett element om gangen"),
    ):
        pks = [get(code).pk for code in selection]
        for step in ({}, {"post": "yes"}):  # the confirmation page and the confirmed post
            response = editor_client.post(
                admin_url("changelist"),
                {"action": "delete_selected", "_selected_action": pks, **step},
                follow=True,
            )
            assert response.status_code == 200
            assert any(expected in message for message in messages_of(response))
    assert tree_snapshot() == before
    assert not DeletedElement.objects.exists()


def test_a_small_bulk_deletion_still_works(editor_client):
    """Bug prevented: the guard blocking the ordinary «slett valgte» of a few elements."""
    pks = [get("S6").pk, get("S7").pk]
    editor_client.post(
        admin_url("changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert not StrategyElement.objects.filter(pk__in=pks).exists()
    assert_tree_intact()


def test_an_editor_cannot_drag_the_document(editor_client):
    """Bug prevented: a Redaktør dragging the root after another document, which changes the
    strategy the portal shows."""
    StrategyElement.objects.create(kind=Kind.DOCUMENT, code="OR2", title="Neste strategi")
    root, other = get("OR"), get("OR2")
    before = tree_snapshot()
    response = move(editor_client, root, other, "right")
    assert response.content.startswith(b"FAIL")
    assert "Bare en superbruker kan flytte strategidokumentet" in messages_of(response)[0]
    assert tree_snapshot() == before


def test_a_superuser_drags_the_document_and_a_redaktor_cannot_step_it(
    superuser_client, editor_client
):
    """Bug prevented: the merged move verb refusing the document to everyone, although only
    a Redaktør may not move it (the superuser orders the documents), or the move buttons
    letting a Redaktør do what drag and drop refuses."""
    StrategyElement.objects.create(kind=Kind.DOCUMENT, code="OR2", title="Neste strategi")
    before = tree_snapshot()
    response = editor_client.post(admin_url("move_step"), {"flytt": f"{get('OR').pk}:ned"})
    assert "Bare en superbruker kan flytte strategidokumentet" in messages_of(response)[0]
    assert tree_snapshot() == before

    response = move(superuser_client, get("OR"), get("OR2"), "right")
    assert response.content.startswith(b"OK")
    roots = StrategyElement.objects.filter(level=0).order_by("tree_id")
    assert list(roots.values_list("code", flat=True)) == ["OR2", "OR"]
    paths = dict(StrategyElement.objects.values_list("pk", "path"))
    assert paths == {row[0]: row[6] for row in before}  # addresses unchanged


def test_a_superuser_unpublishes_the_document_only_after_confirming(superuser_client):
    """Bug prevented: the whole strategy gone on one unticked box, with no word of what that
    means."""
    root = get("OR")
    url = admin_url("change", root.pk)
    html = superuser_client.get(url).content.decode()
    assert 'name="bekreft_avpublisering"' in html
    form = form_fields(html)
    del form["is_published"]
    response = superuser_client.post(url, form)
    assert response.status_code == 200
    message = response.content.decode()
    assert "hele strategien fra nettstedet: alle 54 elementer blir borte" in message
    assert get("OR").is_published

    form = form_fields(message)  # the editor ticks the box on the form they got back
    form["bekreft_avpublisering"] = "ja"
    assert superuser_client.post(url, form).status_code == 302
    assert not get("OR").is_published
    assert public_status("/") == 404


def test_a_superuser_deletes_the_document_only_after_typing_its_code(superuser_client):
    """Bug prevented: the whole strategy deleted on one click of «Ja, slett»."""
    root = get("OR")
    url = admin_url("delete", root.pk)
    page = superuser_client.get(url).content.decode()
    assert "er strategidokumentet. Uten det forsvinner hele strategien" in page
    assert 'name="bekreft_kode"' in page
    refused = superuser_client.post(url, {"post": "yes"})
    assert refused.status_code == 200
    assert "skriv koden «OR» i feltet for å bekrefte at 54 elementer" in refused.content.decode()
    assert StrategyElement.objects.count() == 54
    assert superuser_client.post(url, {"post": "yes", "bekreft_kode": "or"}).status_code == 302
    assert not StrategyElement.objects.exists()


@pytest.mark.parametrize("typed", [None, "", "K", "T-S2"])
def test_deleting_a_large_subtree_needs_its_code(editor_client, typed):
    """Bug prevented: a focus area with all its goals, strategies and sources deleted by one
    click on a page whose list nobody reads."""
    focus_area = get("T")
    assert focus_area.get_descendant_count() + 1 > 5
    url = admin_url("delete", focus_area.pk)
    page = editor_client.get(url).content.decode()
    assert "Skriv koden" in page and "<strong>T</strong>" in page
    before = tree_snapshot()
    data = {"post": "yes"} if typed is None else {"post": "yes", "bekreft_kode": typed}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Ikke slettet: skriv koden «T»" in response.content.decode()
    assert tree_snapshot() == before
    response = editor_client.post(url, {"post": "yes", "bekreft_kode": " t "})
    assert response.status_code == 302
    assert not StrategyElement.objects.filter(code="T").exists()


def test_deleting_a_small_subtree_needs_no_code(editor_client):
    """Bug prevented: typing a code for every single element, which trains editors to type
    without reading."""
    leaf = get("T-S2")
    page = editor_client.get(admin_url("delete", leaf.pk)).content.decode()
    assert 'name="bekreft_kode"' not in page
    assert editor_client.post(admin_url("delete", leaf.pk), {"post": "yes"}).status_code == 302
    assert not StrategyElement.objects.filter(code="T-S2").exists()
