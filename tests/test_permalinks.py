"""Links that never break: codes, /r/<code>/, old paths after rename/move (301), deleted
elements (410), through the admin's own views and through code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from strategy.models import DeletedElement, ElementPath, Kind, StrategyElement
from tests.helpers import main_html, page_text


@pytest.fixture
def admin_client(client, strategy):
    user = get_user_model().objects.create_superuser("redaktor", "r@example.com", "pw-12345!")
    client.force_login(user)
    return client


def paths_by_code(root_code: str) -> dict[str, str]:
    """The current path of an element and of everything below it."""
    root = StrategyElement.objects.get(code=root_code)
    return dict(root.get_descendants(include_self=True).values_list("code", "path"))


def assert_redirects_to_current(client, old_paths: dict[str, str]) -> None:
    for code, old_path in old_paths.items():
        current = StrategyElement.objects.get(code=code)
        assert current.path != old_path, code
        response = client.get(f"/{old_path}/")
        assert response.status_code == 301, (code, old_path)
        assert response["Location"] == current.get_absolute_url(), code
        assert client.get(response["Location"]).status_code == 200, code


def change_form_data(element: StrategyElement, **changes) -> dict:
    """What the admin's change form posts for ``element``, with ``changes`` applied."""
    sources = list(element.sources.all()) if element.pk else []
    data = {
        "parent": element.parent_id or "",
        "kind": element.kind,
        "title": element.title,
        "slug": element.slug,
        "body": element.body,
        "is_published": "on" if element.is_published else "",
        "opened_version": element.version if element.pk else "",  # the form's optimistic lock
        "sources-TOTAL_FORMS": str(len(sources)),
        "sources-INITIAL_FORMS": str(len(sources)),
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
    }
    for index, source in enumerate(sources):
        data |= {
            f"sources-{index}-id": source.pk,
            f"sources-{index}-element": element.pk,
            f"sources-{index}-number": source.number,
            f"sources-{index}-text": source.text,
            f"sources-{index}-url": source.url,
            f"sources-{index}-anchor": source.anchor,
        }
    data |= changes
    if not data["is_published"]:
        del data["is_published"]
    return data


def admin_change(client, element: StrategyElement, **changes):
    url = reverse("admin:strategy_strategyelement_change", args=[element.pk])
    response = client.post(url, change_form_data(element, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


# --- Codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent_code", "kind", "expected"),
    [
        ("T", Kind.STRATEGY, "T-S4"),
        ("T", Kind.CHALLENGE, "T-U4"),
        ("T", Kind.SUBGOAL, "T-D2"),
        ("B", Kind.STRATEGY, "B-S5"),
        ("OR", Kind.STRATEGY, "S8"),
        ("OR", Kind.INTRODUCTION, "I3"),
        ("OR", Kind.SECTION, "DEL1"),
        ("IO", Kind.FOCUS_AREA, "F1"),
        ("TT", Kind.THEME, "TT6"),
        ("TT", Kind.INTRODUCTION, "TT-I1"),
    ],
)
def test_new_elements_get_the_next_code_of_their_parent_and_kind(
    strategy, parent_code, kind, expected
):
    """Bug prevented: an editor having to invent codes (and typing a duplicate or a code
    that breaks the scheme) when adding an element."""
    parent = StrategyElement.objects.get(code=parent_code)
    element = StrategyElement(parent=parent, kind=kind, title="Nytt element", body="Tekst.")
    element.full_clean()
    element.save()
    assert element.code == expected
    assert StrategyElement.objects.get(pk=element.pk).code == expected


def test_a_new_code_under_a_very_long_code_still_fits(strategy):
    """Bug prevented: a database error (500) when the parent's hand-written code is so long
    that prefix + letter + number exceeds the code field."""
    area = StrategyElement.objects.get(code="IO")
    long_area = StrategyElement(
        parent=area, kind=Kind.FOCUS_AREA, code="ABCDEFGHIJ-KLMNOPQRS", title="Langt område"
    )
    long_area.full_clean()
    long_area.save()
    child = StrategyElement(parent=long_area, kind=Kind.STRATEGY, title="Ved å teste lengden")
    child.save()
    assert child.code == "S8"


def test_a_deleted_elements_code_is_never_issued_again(strategy):
    """Bug prevented: a new strategy inheriting T-S3 after T-S3 was deleted, so an archived
    council document citing T-S3 suddenly points at a different text."""
    area = StrategyElement.objects.get(code="T")
    StrategyElement.objects.get(code="T-S3").delete()
    first = StrategyElement(parent=area, kind=Kind.STRATEGY, title="Ved å prøve noe nytt")
    first.save()
    assert first.code == "T-S4"
    first.delete()
    second = StrategyElement(parent=area, kind=Kind.STRATEGY, title="Ved å prøve noe annet")
    second.save()
    assert second.code == "T-S5"
    reused = StrategyElement(parent=area, kind=Kind.STRATEGY, code="T-S3", title="Gammel kode")
    with pytest.raises(ValidationError) as error:
        reused.full_clean()
    assert "kan ikke brukes på nytt" in str(error.value)


def test_a_code_cannot_be_changed_once_given(strategy):
    """Bug prevented: an editor "tidying" T-S2 into T-S02 and breaking every printed link."""
    element = StrategyElement.objects.get(code="T-S2")
    element.code = "T-S9"
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "permanent og kan ikke endres" in str(error.value)
    with pytest.raises(ValidationError):
        element.save()
    assert StrategyElement.objects.filter(code="T-S2").exists()


@pytest.mark.parametrize("code", ["t-s9", "T S9", "T--S9", "-T", "TÆ"])
def test_a_malformed_code_is_refused_in_norwegian(strategy, code):
    """Bug prevented: a code that cannot stand in /r/<code>/ or that differs only in case."""
    area = StrategyElement.objects.get(code="T")
    element = StrategyElement(parent=area, kind=Kind.STRATEGY, code=code, title="Ved å teste")
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "store bokstaver" in str(error.value)


def test_admin_shows_the_code_read_only_once_given_and_fills_it_in_on_add(admin_client):
    """Bug prevented: the code editable in the admin's change form; or the add form
    demanding a code the editor cannot know."""
    element = StrategyElement.objects.get(code="T-S2")
    change = admin_client.get(reverse("admin:strategy_strategyelement_change", args=[element.pk]))
    assert 'name="code"' not in change.content.decode()
    assert "T-S2" in change.content.decode()
    add_url = reverse("admin:strategy_strategyelement_add")
    assert 'name="code"' in admin_client.get(add_url).content.decode()
    area = StrategyElement.objects.get(code="T")
    data = change_form_data(
        StrategyElement(parent=area, kind=Kind.STRATEGY, title="Ved å legge til i admin"),
        code="",
        slug="",
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 302
    assert StrategyElement.objects.get(title="Ved å legge til i admin").code == "T-S4"
    # Posting a new code for an existing element anyway changes nothing.
    admin_change(admin_client, element, code="X-1")
    assert StrategyElement.objects.get(pk=element.pk).code == "T-S2"


def test_codes_are_stable_across_a_fixture_reload(strategy, tmp_path):
    """Bug prevented: codes that depend on load order or are regenerated on import, so the
    same strategy gets different codes on another server."""
    before = dict(StrategyElement.objects.values_list("path", "code"))
    exported = tmp_path / "strategy.json"
    call_command("export_strategy", output=str(exported), verbosity=0)
    StrategyElement.objects.all().delete()
    call_command("load_strategy", str(exported), verbosity=0)
    assert dict(StrategyElement.objects.values_list("path", "code")) == before
    call_command("load_strategy", "strategy", verbosity=0)
    assert dict(StrategyElement.objects.values_list("path", "code")) == before


# --- Permanent URL /r/<code>/ -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["T-S2", "t-s2", "T-s2"])
def test_permanent_url_redirects_to_the_current_page_in_any_case(client, strategy, code):
    """Bug prevented: /r/t-s2/ typed from a printed page in lower case answering 404."""
    element = StrategyElement.objects.get(code="T-S2")
    response = client.get(f"/r/{code}/")
    assert response.status_code == 301
    assert response["Location"] == element.get_absolute_url()


@pytest.mark.parametrize("url", ["/r/FINNES-IKKE/", "/r/a.b/", "/r/" + "A" * 30 + "/", "/r/%00/"])
def test_unknown_or_malformed_codes_are_norwegian_404s(client, strategy, url):
    """Bug prevented: a 500 or a redirect loop for a mistyped permanent link."""
    response = client.get(url)
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


def test_permanent_url_of_a_draft_is_not_public(client, strategy):
    """Bug prevented: /r/<code>/ revealing where a draft (or an item under one) lives."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    assert client.get("/r/T/").status_code == 404
    assert client.get("/r/T-S1/").status_code == 404


# --- Rename, move, delete through the admin's own views -------------------------------------


def test_renaming_in_the_admin_keeps_every_old_url_working(admin_client):
    """Bug prevented: a new title or slug for Transport og mobilitet breaking the links to it
    and to every strategy under it."""
    area = StrategyElement.objects.get(code="T")
    old = paths_by_code("T")
    admin_change(admin_client, area, title="Transport", slug="transport")
    assert StrategyElement.objects.get(code="T").path == "innsatsomrader/transport"
    assert_redirects_to_current(admin_client, old)


def test_moving_in_the_change_form_keeps_the_old_url_working(admin_client):
    """Bug prevented: choosing a new parent in the change form leaving the old link dead."""
    item = StrategyElement.objects.get(code="T-S2")
    old = {"T-S2": item.path}
    target = StrategyElement.objects.get(code="KM")
    admin_change(admin_client, item, parent=target.pk)
    assert StrategyElement.objects.get(code="T-S2").parent_id == target.pk
    assert_redirects_to_current(admin_client, old)


def test_drag_and_drop_move_keeps_every_old_url_working(admin_client):
    """Bug prevented: drag and drop in the tree (DraggableMPTTAdmin's move_node) bypassing the
    recording of old paths, so only moves made in code were safe."""
    area = StrategyElement.objects.get(code="T")
    old = paths_by_code("T")
    target = StrategyElement.objects.get(code="TT")  # a section: focus areas may stand there
    response = admin_client.post(
        reverse("admin:strategy_strategyelement_changelist"),
        {
            "cmd": "move_node",
            "cut_item": area.pk,
            "pasted_on": target.pk,
            "position": "last-child",
            # The versions the list showed (static/js/admin-move-versions.js adds them).
            "cut_item_version": area.version,
            "pasted_on_version": target.version,
        },
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("OK")
    assert StrategyElement.objects.get(code="T").parent_id == target.pk
    assert_redirects_to_current(admin_client, old)


def test_the_first_url_still_works_after_several_changes(admin_client):
    """Bug prevented: a chain of renames where only the latest old path redirects, or a
    redirect to an intermediate address that itself redirects."""
    item = StrategyElement.objects.get(code="T-S2")
    first = {"T-S2": item.path}
    admin_change(admin_client, item, slug="forste-nye-navn")
    second = {"T-S2": StrategyElement.objects.get(code="T-S2").path}
    admin_change(
        admin_client,
        StrategyElement.objects.get(code="T-S2"),
        parent=StrategyElement.objects.get(code="B").pk,
    )
    assert_redirects_to_current(admin_client, first)
    assert_redirects_to_current(admin_client, second)


def test_deleting_in_the_admin_answers_410_for_it_and_everything_under_it(admin_client):
    """Bug prevented: a deleted focus area's links (and its strategies' links) becoming a bare
    404 that tells the reader of an archived council document nothing."""
    area = StrategyElement.objects.get(code="T")
    old = paths_by_code("T")
    response = admin_client.post(
        reverse("admin:strategy_strategyelement_delete", args=[area.pk]),
        {"post": "yes", "bekreft_kode": "T"},  # a large subtree: the code is typed
    )
    assert response.status_code == 302
    assert not StrategyElement.objects.filter(code__startswith="T-").exists()
    for code, path in old.items():
        for url in (f"/{path}/", f"/r/{code}/", f"/r/{code.lower()}/"):
            response = admin_client.get(url)
            assert response.status_code == 410, (code, url)
            text = page_text(main_html(response.content.decode()))
            assert "er fjernet" in text and code in text
    tombstone = DeletedElement.objects.get(code="T-S2")
    assert tombstone.parent_code == "T" and tombstone.parent_title == "Transport og mobilitet"
    html = admin_client.get(f"/{old['T-S2']}/").content.decode()
    assert 'href="/r/T/"' in html and "Transport og mobilitet" in html
    # The parent's permanent link: 410 too, linking on to its own parent, which is alive.
    html = admin_client.get("/r/T/").content.decode()
    assert 'href="/r/IO/"' in html
    assert admin_client.get("/r/IO/").status_code == 301


def test_the_410_page_says_when_in_norwegian(client, strategy):
    """Bug prevented: a removal date in English or ISO form on a public page."""
    StrategyElement.objects.get(code="B-S4").delete()
    DeletedElement.objects.filter(code="B-S4").update(deleted_at="2026-11-26T10:00:00+01:00")
    response = client.get("/r/B-S4/")
    assert response.status_code == 410
    text = page_text(main_html(response.content.decode()))
    assert "ble fjernet fra strategien 26. november 2026" in text
    assert '<html lang="nb">' in response.content.decode()


def test_bulk_and_queryset_deletes_are_recorded_too(admin_client):
    """Bug prevented: the admin's "delete selected" action or a queryset delete in code
    removing elements without a tombstone, so their codes could be issued again."""
    paths = {code: StrategyElement.objects.get(code=code).path for code in ("K-S1", "K-S2")}
    response = admin_client.post(
        reverse("admin:strategy_strategyelement_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [StrategyElement.objects.get(code="K-S1").pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    StrategyElement.objects.filter(code="K-S2").delete()
    for code, path in paths.items():
        assert DeletedElement.objects.filter(code=code).exists()
        assert admin_client.get(f"/{path}/").status_code == 410
    area = StrategyElement.objects.get(code="K")
    new = StrategyElement(parent=area, kind=Kind.STRATEGY, title="Ved å prøve")
    new.save()
    assert new.code == "K-S3"


def test_an_old_path_taken_by_a_new_element_shows_the_new_element(client, strategy):
    """Bug prevented: a redirect for a path that now belongs to another published element,
    or a draft taking over a public path and turning the old link into a 404."""
    item = StrategyElement.objects.get(code="T-S2")
    old_path = item.path
    item.slug = "nytt-navn"
    item.save()
    newcomer = StrategyElement(
        parent=item.parent, kind=Kind.STRATEGY, title=item.title, slug=old_path.rsplit("/")[-1]
    )
    newcomer.save()
    assert newcomer.path == old_path
    # While the newcomer is a draft, the old link still leads to the renamed element.
    response = client.get(f"/{old_path}/")
    assert response.status_code == 301
    assert response["Location"] == StrategyElement.objects.get(code="T-S2").get_absolute_url()
    newcomer.is_published = True
    newcomer.save()
    assert client.get(f"/{old_path}/").status_code == 200
    assert ElementPath.objects.filter(code="T-S2", path=old_path).exists()


# --- Anchors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("parent_code", ["T", "KM", "IO", "TT"])
def test_every_child_has_its_code_as_anchor_on_its_parents_page(client, strategy, parent_code):
    """Bug prevented: a deep link /…/transport-og-mobilitet/#t-s2 landing at the top of the
    page because the item has no id."""
    parent = StrategyElement.objects.get(code=parent_code)
    html = client.get(parent.get_absolute_url()).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    for child in parent.get_children():
        assert ids.count(child.code.lower()) == 1, child.code


def test_top_level_items_have_anchors_on_the_front_page(client, strategy):
    """Bug prevented: the overall goals and strategies on the front page without anchors."""
    html = client.get("/").content.decode()
    for code in ("v", "u1", "m3", "s7", "io", "tt"):
        assert f'id="{code}"' in html, code
