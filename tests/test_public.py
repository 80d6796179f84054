"""One definition of "public" (issue 11, point 1) and tombstones that tell only what the public
could see (point 2).

The flag ``StrategyElement.is_public`` (published and every ancestor published) is derived in
the same transaction by every door that changes the tree, the published state or the paths,
and every public channel reads it. The matrix below puts one strategy (T-S2) in each state,
through each door, and asks every channel whether it shows it: a hidden element must be shown
by none (and its title must appear in no answer), a public one by all.
"""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from strategy.infrastructure.integrity import tree_problems
from strategy.models import DeletedElement, ElementPath, Kind, StrategyElement

CODE = "T-S2"
MARKER = "kvitkjeksfjord"  # a word in T-S2's title and nowhere else
OLD_PATH = "innsatsomrader/gammel-adresse-for-testen"


def element(code: str = CODE) -> StrategyElement:
    return StrategyElement.objects.get(code=code)


def integrity_problems() -> list[str]:
    return [
        message
        for _pk, message in tree_problems(list(StrategyElement.objects.order_by("tree_id", "lft")))
    ]


# --- The channels: does each show T-S2? ---------------------------------------------------


def _page(client):
    response = client.get(f"/{element().path}/")
    return response.status_code == 200, response


def _permalink(client):
    response = client.get(f"/r/{CODE.lower()}/")
    return response.status_code == 301, response


def _old_path(client):
    response = client.get(f"/{OLD_PATH}/")
    return response.status_code == 301, response


def _parent_page(client):
    response = client.get(element().parent.get_absolute_url())
    return MARKER in response.content.decode(), response


def _whole_strategy(client):
    response = client.get(reverse("strategy:whole-strategy"))
    return MARKER in response.content.decode(), response


def _search_word(client):
    response = client.get(reverse("strategy:search"), {"q": MARKER})
    # The page repeats the query in its search box: count the hits, not the word.
    results = response.context["results"] if response.status_code == 200 else None
    return bool(results and results.total), None


def _search_code(client):
    response = client.get(reverse("strategy:search"), {"q": CODE.lower()})
    return response.status_code == 302, None


def _strategy_json(client):
    response = client.get(reverse("strategy:strategy-json"))
    return f'"kode": "{CODE}"' in response.content.decode(), response


def _element_json(client):
    response = client.get(reverse("strategy:element-json", kwargs={"code": CODE}))
    return response.status_code == 200, response


def _csv(client):
    response = client.get(reverse("strategy:elements-csv"))
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return any(row and row[0] == CODE for row in rows), response


def _sitemap(client):
    response = client.get(reverse("strategy:sitemap"))
    return f"/{element().path}/</loc>" in response.content.decode(), response


CHANNELS = {
    "element page": _page,
    "/r/<code>/": _permalink,
    "old path": _old_path,
    "parent's page": _parent_page,
    "whole strategy": _whole_strategy,
    "search by word": _search_word,
    "search by code": _search_code,
    "JSON, whole strategy": _strategy_json,
    "JSON, the element": _element_json,
    "CSV": _csv,
    "sitemap.xml": _sitemap,
}


# --- The states, each reached through a real door -----------------------------------------


def _draft_area() -> StrategyElement:
    area = StrategyElement(
        parent=element("IO"), kind=Kind.FOCUS_AREA, title="Et område i arbeid", is_published=False
    )
    area.save()
    return area


def _unpublish(code: str) -> None:
    item = element(code)
    item.is_published = False
    item.save()


def element_is_a_draft(tmp_path):
    _unpublish(CODE)


def parent_is_a_draft(tmp_path):
    _unpublish("T")


def grandparent_is_a_draft(tmp_path):
    _unpublish("IO")


def document_is_a_draft(tmp_path):
    _unpublish("OR")


def parent_saved_as_draft_from_an_old_copy(tmp_path):
    stale = element("T")  # read before another editor's move shifted its lft/rght
    element("K-S1").move_to(element("B"), "last-child")
    stale.is_published = False
    stale.save()


def moved_under_a_draft(tmp_path):
    element(CODE).move_to(_draft_area(), "last-child")


def moved_under_a_draft_in_the_change_form(tmp_path):
    item = element(CODE)
    item.parent = _draft_area()
    item.save()


def parent_unpublished_by_a_queryset_update(tmp_path):
    StrategyElement.objects.filter(code="T").update(is_published=False)


def loaded_from_a_fixture_with_a_draft_parent(tmp_path):
    exported = tmp_path / "strategy.json"
    call_command("export_strategy", output=str(exported), verbosity=0)
    data = json.loads(exported.read_text(encoding="utf-8"))
    for item in data:
        if item["model"] == "strategy.strategyelement" and item["fields"]["code"] == "T":
            item["fields"]["is_published"] = False
        if item["model"] == "strategy.strategyelement" and item["fields"]["code"] == CODE:
            item["fields"]["is_public"] = True  # a fixture cannot claim the flag
    exported.write_text(json.dumps(data), encoding="utf-8")
    StrategyElement.objects.all().delete()
    DeletedElement.objects.all().delete()
    call_command("load_strategy", str(exported), verbosity=0)


def stored_flag_alone_says_hidden(tmp_path):
    """Published, under published parents, but the stored flag says no: proves that every
    channel reads the flag and nothing else (the integrity check reports the row)."""
    StrategyElement.objects.filter(code=CODE).update(is_public=False)


HIDDEN = [
    element_is_a_draft,
    parent_is_a_draft,
    grandparent_is_a_draft,
    document_is_a_draft,
    parent_saved_as_draft_from_an_old_copy,
    moved_under_a_draft,
    moved_under_a_draft_in_the_change_form,
    parent_unpublished_by_a_queryset_update,
    loaded_from_a_fixture_with_a_draft_parent,
    stored_flag_alone_says_hidden,
]


def as_loaded(tmp_path):
    pass


def parent_published_again(tmp_path):
    _unpublish("T")
    element("T").publish()


def moved_out_of_a_draft(tmp_path):
    element(CODE).move_to(_draft_area(), "last-child")
    element(CODE).move_to(element("KM"), "last-child")


def parent_published_again_by_a_queryset_update(tmp_path):
    StrategyElement.objects.filter(code="T").update(is_published=False)
    StrategyElement.objects.filter(code="T").update(is_published=True)


def imported_from_the_open_data_json(tmp_path):
    from django.test import Client

    exported = tmp_path / "strategi.json"
    exported.write_bytes(Client().get(reverse("strategy:strategy-json")).content)
    StrategyElement.objects.all().delete()
    DeletedElement.objects.all().delete()
    call_command("import_strategy_json", str(exported), verbosity=0)


def loaded_from_a_fixture_whose_flags_say_hidden(tmp_path):
    exported = tmp_path / "strategy.json"
    call_command("export_strategy", output=str(exported), verbosity=0)
    data = json.loads(exported.read_text(encoding="utf-8"))
    for item in data:
        if item["model"] == "strategy.strategyelement":
            item["fields"]["is_public"] = False  # a fixture cannot take the flag away either
    exported.write_text(json.dumps(data), encoding="utf-8")
    StrategyElement.objects.all().delete()
    DeletedElement.objects.all().delete()
    call_command("load_strategy", str(exported), verbosity=0)


def loaded_by_load_strategy_into_an_empty_database(tmp_path):
    StrategyElement.objects.all().delete()
    DeletedElement.objects.all().delete()
    call_command("load_strategy", verbosity=0)
    prepare()  # the fixture has the owner's title; the marker goes on again


PUBLIC = [
    as_loaded,
    loaded_by_load_strategy_into_an_empty_database,
    parent_published_again,
    moved_out_of_a_draft,
    parent_published_again_by_a_queryset_update,
    imported_from_the_open_data_json,
    loaded_from_a_fixture_whose_flags_say_hidden,
]


def prepare() -> None:
    item = element()
    item.title = f"{item.title} {MARKER}"
    item.save()
    ElementPath.objects.record(element().edition_id, OLD_PATH, CODE)


@pytest.mark.parametrize("state", HIDDEN, ids=lambda state: state.__name__)
def test_nothing_hidden_leaks_through_any_channel(client, strategy, tmp_path, state):
    """Bug prevented: an element under a draft (or a draft itself) reachable through one of
    the channels that wrote its own visibility rule - pages, /r/, old paths, search on either
    database, JSON, CSV, sitemap - or after one of the doors that change the tree (save, move,
    stale copy, queryset update, fixture load) left a stale flag."""
    prepare()
    state(tmp_path)
    if state is stored_flag_alone_says_hidden:
        assert len(integrity_problems()) == 1 and "skulle vært offentlig" in integrity_problems()[0]
    else:
        assert integrity_problems() == []
        assert element().is_public is False
    shown = {}
    for name, channel in CHANNELS.items():
        shown[name], response = channel(client)
        if response is not None:
            assert MARKER not in response.content.decode(), name
    assert not any(shown.values()), shown


@pytest.mark.parametrize("state", PUBLIC, ids=lambda state: state.__name__)
def test_nothing_public_is_hidden_from_any_channel(client, strategy, tmp_path, state):
    """Bug prevented: a public element missing from a channel (a flag left false after a
    republish, a move out of a draft, an import or a fixture load)."""
    prepare()
    state(tmp_path)
    assert integrity_problems() == []
    assert element().is_public is True
    shown = {name: channel(client)[0] for name, channel in CHANNELS.items()}
    assert all(shown.values()), shown


def test_the_whole_subtree_follows_its_top_and_nothing_else(strategy):
    """Bug prevented: publishing or unpublishing a focus area updating the flag of the area
    but not of everything below it (or of rows outside it)."""
    area = element("T")
    below = set(area.get_descendants().values_list("code", flat=True))
    others = set(
        StrategyElement.objects.exclude(code__in=below | {"T"}).values_list("code", flat=True)
    )
    _unpublish("T")
    assert set(StrategyElement.objects.filter(is_public=False).values_list("code", flat=True)) == (
        below | {"T"}
    )
    assert (
        set(StrategyElement.objects.filter(is_public=True).values_list("code", flat=True)) == others
    )
    # A draft inside the draft stays hidden when its parent is published again.
    _unpublish("T-S1")
    element("T").publish()
    hidden = set(StrategyElement.objects.filter(is_public=False).values_list("code", flat=True))
    assert hidden == {"T-S1"}
    assert integrity_problems() == []


def test_error_pages_never_show_a_draft_section_in_their_menu(client, strategy):
    """Bug prevented: the 404 and 410 pages' menu listing a section that is a draft."""
    StrategyElement.objects.get(code="B-S4").delete()
    _unpublish("TT")
    for url, status in (("/finnes-ikke/", 404), ("/r/B-S4/", 410)):
        response = client.get(url)
        assert response.status_code == status
        html = response.content.decode()
        assert "Tverrgående temaer" not in html
        assert "Innsatsområdene" in html


# --- Point 2: tombstones ------------------------------------------------------------------


def assert_never_public_after_deletion(client, code: str, path: str, title: str) -> None:
    for url in (f"/r/{code}/", f"/r/{code.lower()}/", f"/{path}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert title not in response.content.decode(), url
    response = client.get(reverse("strategy:element-json", kwargs={"code": code}))
    assert response.status_code == 404
    assert "slettet" not in json.loads(response.content)


def test_a_deleted_draft_answers_404_exactly_as_before(client, strategy):
    """Bug prevented: a deleted draft answering its /r/<code>/ and its old path with a 410
    page showing its title (and its parent's): codes are sequential, so anyone could read
    the titles of drafts that were never published by walking /r/T-S4/, /r/T-S5/, ..."""
    draft = StrategyElement(
        parent=element("T"), kind=Kind.STRATEGY, title="Ved å vurdere et hemmelig tiltak"
    )
    draft.save()
    code, path = draft.code, draft.path
    assert client.get(f"/r/{code}/").status_code == 404  # before deletion
    draft.delete()
    assert_never_public_after_deletion(client, code, path, "hemmelig tiltak")
    tombstone = DeletedElement.objects.get(code=code)  # the code stays issued
    assert tombstone.was_public is False


def test_a_published_child_deleted_under_a_draft_parent_answers_404(client, strategy):
    """Bug prevented: a published strategy under a focus area that is a draft, once deleted,
    answering 410 with its title and the draft parent's title."""
    area = StrategyElement(
        parent=element("IO"), kind=Kind.FOCUS_AREA, title="Hemmelig innsatsområde"
    )
    area.save()
    child = StrategyElement(
        parent=area, kind=Kind.STRATEGY, title="Ved å gjøre noe skjult", is_published=True
    )
    child.save()
    code, path = child.code, child.path
    child.delete()
    assert_never_public_after_deletion(client, code, path, "noe skjult")
    for url in (f"/r/{code}/", f"/{path}/"):
        assert "Hemmelig innsatsområde" not in client.get(url).content.decode()
    tombstone = DeletedElement.objects.get(code=code)
    assert (tombstone.was_public, tombstone.parent_code, tombstone.parent_title) == (False, "", "")
    # Deleting the draft area itself (and whatever it still holds) leaks nothing either.
    area_code, area_path = area.code, area.path
    StrategyElement.objects.get(pk=area.pk).delete()
    assert_never_public_after_deletion(client, area_code, area_path, "Hemmelig innsatsområde")


def test_a_public_element_deleted_from_a_stale_copy_records_where_it_really_was(client, strategy):
    """Bug prevented: the tombstone trusting an in-memory copy read before the element was
    moved: its last path (the one readers have) left answering 404, and the 410 page naming
    the parent it had before the move."""
    stale = element("B-S4")
    element("B-S4").move_to(element("K"), "last-child")
    moved_path = element("B-S4").path
    stale.delete()
    response = client.get(f"/{moved_path}/")
    assert response.status_code == 410
    assert 'href="/r/2025-2028/K/"' in response.content.decode()
    tombstone = DeletedElement.objects.get(code="B-S4")
    assert (tombstone.path, tombstone.parent_code) == (moved_path, "K")
    assert tombstone.was_public is True
    assert client.get("/r/B-S4/").status_code == 410


# --- The migration that added the flag ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_flags_and_the_tombstones():
    """Bug prevented: existing content starting with no public flags (an empty portal) or
    every flag true (drafts shown), and tombstones of deleted drafts left answering 410."""
    before = [("strategy", "0006_search")]
    call_command("migrate", "strategy", "0006_search", verbosity=0)
    apps = MigrationExecutor(connection).loader.project_state(before).apps
    Element = apps.get_model("strategy", "StrategyElement")
    Tombstone = apps.get_model("strategy", "DeletedElement")
    History = apps.get_model("strategy", "HistoricalStrategyElement")

    def add(pk, parent, code, kind, lft, rght, level, published):
        return Element.objects.create(
            pk=pk, parent_id=parent, code=code, kind=kind, title=code, slug=code.lower(),
            path="" if parent is None else f"x/{code.lower()}", is_published=published,
            lft=lft, rght=rght, tree_id=1, level=level,
        )  # fmt: skip

    try:
        add(1, None, "OR", "document", 1, 10, 0, True)
        add(2, 1, "IO", "section", 2, 7, 1, True)
        add(3, 2, "DRAFT", "focus_area", 3, 6, 2, False)
        add(4, 3, "UNDER", "strategy", 4, 5, 3, True)
        add(5, 1, "S1", "strategy", 8, 9, 1, True)
        deleted = {  # code: (parent code, published when deleted)
            "S2": ("OR", True),  # public when deleted
            "GONE": ("OR", False),  # a deleted draft
            "DRAFT-S1": ("DRAFT", True),  # published, under a live draft
            "OLD": ("IO", True),  # a deleted area ...
            "OLD-S1": ("OLD", True),  # ... and its child, both public
        }
        for number, (code, (parent, published)) in enumerate(deleted.items(), start=100):
            Tombstone.objects.create(
                code=code, kind="strategy", title=code, path=f"x/{code.lower()}",
                parent_code=parent, parent_title=parent,
            )  # fmt: skip
            History.objects.create(
                id=number, code=code, kind="strategy", title=code, slug=code.lower(),
                path=f"x/{code.lower()}", is_published=published, history_type="-",
                history_date=timezone.now(), created_at=timezone.now(), updated_at=timezone.now(),
            )  # fmt: skip
    finally:
        # As a deployment runs it; its post_migrate also restores SQLite's search triggers.
        call_command("migrate", verbosity=0)

    flags = dict(StrategyElement.objects.values_list("code", "is_public"))
    assert flags == {"OR": True, "IO": True, "DRAFT": False, "UNDER": False, "S1": True}
    was_public = dict(DeletedElement.objects.values_list("code", "was_public"))
    assert was_public == {"S2": True, "GONE": False, "DRAFT-S1": False, "OLD": True, "OLD-S1": True}
    assert DeletedElement.objects.get(code="DRAFT-S1").parent_title == ""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "strategy_strategyelement")
    assert "strategy_element_drafts" not in indexes
