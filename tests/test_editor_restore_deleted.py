"""A deleted element can be restored by an editor (issue 11, point 5): with its subtree and
sources, its code, its place (or its former parent's new place) and its paths; the tombstone
and the 410 go away again."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from strategy.models import DeletedElement, ElementPath, Kind, Source, StrategyElement
from tests.admin_helpers import (
    admin_url,
    assert_tree_intact,
    form_fields,
    make_editor,
    make_staff_without_permissions,
    messages_of,
)
from tests.editor_helpers import get


def children(code: str) -> list[str]:
    return [child.code for child in get(code).get_children()]


def subtree_state(code: str) -> list[tuple]:
    """Everything a restore must bring back, by code (primary keys and tree numbers too)."""
    element = get(code)
    return [
        (
            node.pk,
            node.code,
            node.parent.code if node.parent else None,
            node.kind,
            node.title,
            node.slug,
            node.path,
            node.body,
            node.is_published,
            node.created_at,
            [(s.pk, s.number, s.text, s.url, s.anchor) for s in node.sources.order_by("number")],
        )
        for node in element.get_descendants(include_self=True).select_related("parent")
    ]


@pytest.fixture
def editor(strategy):
    return make_editor()


def delete(code: str) -> None:
    get(code).delete()


def test_a_deleted_focus_area_comes_back_whole_from_the_deleted_list(editor_client, editor):
    """Bug prevented: a deletion that nothing in the admin can undo (the issue: "nothing in
    the admin can undo it")."""
    focus_area = get("T")
    siblings = children("IO")
    state = subtree_state("T")
    assert any(node[-1] for node in state)  # sources go with it
    old_page = focus_area.get_absolute_url()
    old_child_page = get("T-S2").get_absolute_url()
    response = editor_client.post(
        admin_url("delete", focus_area.pk), {"post": "yes", "bekreft_kode": "T"}
    )
    assert response.status_code == 302
    assert Client().get(old_page).status_code == 410
    assert Client().get("/r/T-S2/").status_code == 410

    listing = editor_client.get(admin_url("deleted"))
    html = listing.content.decode()
    assert listing.status_code == 200
    restore_url = admin_url("restore_deleted", "T")
    assert restore_url in html and "Transport og mobilitet" in html
    assert f"<td>{len(state)}</td>" in html  # how much went with it
    assert admin_url("restore_deleted", "T-S2") not in html  # it came along with T
    assert "Slettede elementer" in editor_client.get(admin_url("changelist")).content.decode()

    confirm = editor_client.get(restore_url).content.decode()
    assert "Ja, gjenopprett" in confirm and "T-S2" in confirm
    response = editor_client.post(restore_url, form_fields(confirm, "restore-deleted-form"))
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", focus_area.pk)
    assert f"er gjenopprettet med {len(state)} element(er)" in messages_of(response)[0]

    assert subtree_state("T") == state  # codes, pks, texts, paths, sources, created_at
    assert children("IO") == siblings  # its old place among its siblings
    assert not DeletedElement.objects.filter(code__in=[node[1] for node in state]).exists()
    public = Client()
    assert public.get(old_page).status_code == 200
    assert public.get(old_child_page).status_code == 200
    assert public.get("/r/T-S2/").status_code == 301
    restored = StrategyElement.history.filter(id=focus_area.pk).latest("history_date")
    assert (restored.history_type, restored.history_change_reason) == (
        "+",
        "Gjenopprettet etter sletting",
    )
    assert restored.history_user == editor
    assert_tree_intact()


def test_restored_under_the_parent_s_new_place_and_old_paths_redirect(strategy):
    """Bug prevented: a restore that puts an element back on a path its parent left, or
    loses the path it had."""
    item = get("T-S2")
    old_path = item.path
    delete("T-S2")
    StrategyElement.objects.move_node(get("T"), get("TT"), "last-child")  # parent moved
    result = StrategyElement.objects.restore_deleted("T-S2")
    restored = get("T-S2")
    assert (result.count, result.element.pk) == (1, item.pk)
    assert restored.parent.code == "T"
    assert restored.path.startswith("tverrgaende-temaer/transport-og-mobilitet/strategier/")
    assert ElementPath.objects.get(path=old_path).code == "T-S2"
    response = Client().get(f"/{old_path}/")
    assert response.status_code == 301 and response["Location"] == restored.get_absolute_url()
    assert_tree_intact()


def test_restoring_under_a_deleted_parent_says_so(strategy):
    """Bug prevented: an element restored as an orphan (or a 500) when its parent is gone
    too."""
    delete("T-S2")
    delete("T")
    with pytest.raises(ValidationError) as refused:
        StrategyElement.objects.restore_deleted("T-S2")
    assert "Det overordnede elementet «T Transport og mobilitet» er også slettet" in str(
        refused.value
    )
    with pytest.raises(ValidationError) as refused:
        StrategyElement.objects.restore_deleted("T-S1")  # deleted with T
    assert "da kommer dette elementet tilbake sammen med det" in str(refused.value)
    assert DeletedElement.objects.filter(code="T-S2").exists()

    StrategyElement.objects.restore_deleted("T")
    assert "T-S1" in children("T") and "T-S2" not in children("T")  # deleted on its own before
    StrategyElement.objects.restore_deleted("T-S2")
    strategies = [code for code in children("T") if code.startswith("T-S")]
    assert strategies == sorted(strategies)  # back between T-S1 and T-S3
    assert_tree_intact()


def test_restoring_the_first_child_puts_it_first_again(strategy):
    """Bug prevented: a restored element always landing last among its siblings."""
    first = children("IO")[0]
    order = children("IO")
    delete(first)
    StrategyElement.objects.restore_deleted(first)
    assert children("IO") == order


def test_a_source_removed_before_the_deletion_stays_removed(strategy):
    """Bug prevented: a restore bringing back footnotes that an editor had removed on their own
    before the element was deleted."""
    transport = get("T")
    kept, removed = (
        Source.objects.create(element=transport, number=8, text="Beholdt"),
        (Source.objects.create(element=transport, number=9, text="Fjernet først")),
    )
    removed.delete()
    delete("T")
    StrategyElement.objects.restore_deleted("T")
    numbers = set(get("T").sources.values_list("number", flat=True))
    assert kept.number in numbers and removed.number not in numbers


def test_a_restore_twice_or_after_a_new_deletion_is_refused(editor_client):
    """Bug prevented: two editors restoring at once getting a 500, or the second restoring a
    later deletion it never saw."""
    delete("T-S2")
    url = admin_url("restore_deleted", "T-S2")
    form = form_fields(editor_client.get(url).content.decode(), "restore-deleted-form")
    assert editor_client.post(url, form).status_code == 302
    again = editor_client.post(url, form)
    assert again.status_code == 302
    assert "allerede gjenopprettet" in messages_of(again)[-1]

    delete("T-S2")  # deleted again: the old page's tombstone is not this one
    response = editor_client.post(url, form)
    assert "slettet på nytt etter at du åpnet siden" in messages_of(response)[-1]
    assert DeletedElement.objects.filter(code="T-S2").exists()


def test_restore_respects_the_tree_rules(strategy):
    """Bug prevented: a restore putting an element under a parent whose kind no longer allows
    it (the parent was changed since)."""
    delete("T-S2")
    transport = get("T")
    for child in transport.get_children():
        child.delete()
    transport.kind = Kind.THEME
    transport.save()
    with pytest.raises(ValidationError):
        StrategyElement.objects.restore_deleted("T-S2")
    assert DeletedElement.objects.filter(code="T-S2").exists()
    assert_tree_intact()


def test_only_editors_may_see_and_restore_deletions(client, strategy):
    """Bug prevented: any staff account restoring content (or reading what was deleted)."""
    delete("T-S2")
    client.force_login(make_staff_without_permissions())
    assert client.get(admin_url("deleted")).status_code == 403
    assert client.post(admin_url("restore_deleted", "T-S2"), {}).status_code == 403
    assert DeletedElement.objects.filter(code="T-S2").exists()


def test_the_history_of_a_deleted_element_offers_the_restore(editor_client):
    """Bug prevented: the history of a deleted element with no way back ("restored from the
    history")."""
    item = get("T-S2")
    delete("T-S2")
    html = editor_client.get(admin_url("history", item.pk)).content.decode()
    assert admin_url("restore_deleted", "T-S2") in html


def test_the_deleted_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    """Bug prevented: one query per deletion in «Slettede elementer»."""
    delete("T-S2")
    with django_assert_num_queries(7) as few:
        editor_client.get(admin_url("deleted"))
    for code in ("K", "KM", "B", "S1", "S2", "M1"):
        delete(code)
    with django_assert_num_queries(len(few.captured_queries)):
        response = editor_client.get(admin_url("deleted"))
    assert response.content.decode().count("Gjenopprett</a>") == 7
