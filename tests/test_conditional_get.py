"""ETag/Last-Modified from the content version, 304 answers, and a page cache that never
serves a page older than the content."""

import pytest
from django.urls import reverse

from strategy.models import ContentVersion, Kind, Source, StrategyElement

FRONT_PAGE = reverse("strategy:front-page")


def urls(strategy: StrategyElement) -> list[str]:
    area = StrategyElement.objects.get(code="T")
    return [
        FRONT_PAGE,
        reverse("strategy:whole-strategy"),
        area.get_absolute_url(),
        StrategyElement.objects.get(code="T-S2").get_absolute_url(),
    ]


def test_public_pages_send_validators_and_revalidate(client, strategy):
    """Bug prevented: browsers and proxies downloading every page in full each time, or
    keeping a page after the secretariat changed it (a max-age without revalidation)."""
    for url in urls(strategy):
        response = client.get(url)
        assert response.status_code == 200
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"max-age=0", "must-revalidate"} <= cache_control

        not_modified = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == response["ETag"]

        since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304

        assert client.get(url, HTTP_IF_NONE_MATCH='"annen-versjon"').status_code == 200


def test_conditional_get_costs_one_query(client, strategy, django_assert_num_queries):
    """Bug prevented: a 304 that still renders the page (no saving for a busy proxy)."""
    etag = client.get(FRONT_PAGE)["ETag"]
    with django_assert_num_queries(1):
        assert client.get(FRONT_PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("change", ["edit", "add", "move", "delete", "source"])
def test_every_kind_of_change_gives_a_new_etag_and_fresh_page(client, strategy, change):
    """Bug prevented: a 304 or a cached page after an edit, a move, a deletion or a new
    footnote, so that readers keep seeing the old strategy."""
    area = StrategyElement.objects.get(code="T")
    url = area.get_absolute_url()
    before = client.get(url)
    expected_text = None
    if change == "edit":
        item = StrategyElement.objects.get(code="T-S2")
        item.title = "Ved å teste hurtigbufferen"
        item.save()
        expected_text = "Ved å teste hurtigbufferen"
    elif change == "add":
        StrategyElement(
            parent=area,
            kind=Kind.STRATEGY,
            code="T-S99",
            title="Ved å legge til",
            is_published=True,
        ).save()
        expected_text = "Ved å legge til"
    elif change == "move":
        item = StrategyElement.objects.get(code="T-S1")
        item.move_to(StrategyElement.objects.get(code="T-S2"), "right")
    elif change == "delete":
        StrategyElement.objects.get(code="T-S2").delete()
    else:
        Source.objects.create(element=area, number=99, text="Ny kilde om buffere")
        expected_text = "Ny kilde om buffere"

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content
    if expected_text:
        assert expected_text in after.content.decode()


def test_bulk_delete_of_elements_bumps_the_version_and_keeps_the_tree(strategy):
    """Bug prevented: a queryset delete (admin action, shell) leaving nested-set gaps and a
    stale ETag."""
    version = ContentVersion.current().token
    deleted, _ = StrategyElement.objects.filter(code__in=["T-S1", "T-S2", "T"]).delete()
    assert deleted > 3  # T takes its whole subtree with it
    assert ContentVersion.current().token != version
    from tests.test_tree import assert_tree_consistent

    assert_tree_consistent()


def test_not_found_is_never_answered_with_304(client, strategy):
    """Bug prevented: `If-None-Match: *` or a copied ETag making a missing page look like it
    exists (a 304 instead of the 404)."""
    etag = client.get(FRONT_PAGE)["ETag"]
    for header in ["*", etag]:
        assert client.get("/finnes-ikke/", HTTP_IF_NONE_MATCH=header).status_code == 404


def test_head_requests_get_the_same_validators(client, strategy):
    """Bug prevented: a proxy's HEAD probe seeing other validators than GET."""
    get = client.get(FRONT_PAGE)
    head = client.head(FRONT_PAGE)
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert client.head(FRONT_PAGE, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


def test_page_from_memory_keeps_every_security_header(client, strategy, django_assert_num_queries):
    """Bug prevented: the page cache answering without the Content-Security-Policy,
    frame protection or content type that the first, rendered answer had."""
    url = StrategyElement.objects.get(code="KM").get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
    for header in [
        "Content-Type",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "ETag",
        "Cache-Control",
    ]:
        assert second[header] == first[header], header


def test_page_cache_is_per_path(client, strategy):
    """Bug prevented: one page's HTML served for another address of the same version."""
    one = client.get(StrategyElement.objects.get(code="KM").get_absolute_url())
    other = client.get(StrategyElement.objects.get(code="T").get_absolute_url())
    assert one.content != other.content
    assert "Transport og mobilitet" in other.content.decode()


def test_production_micro_cache_needs_no_query_and_expires(
    client, strategy, settings, django_assert_num_queries, monkeypatch
):
    """Bug prevented: a version cache that serves an old page forever after an edit, or one
    that still queries the database on every hit (no gain)."""
    monkeypatch.setattr(
        "strategy.infrastructure.caching._last_read", None
    )  # nothing from other tests
    settings.CONTENT_VERSION_MAX_AGE = 0.5
    client.get(FRONT_PAGE)
    with django_assert_num_queries(0):
        cached = client.get(FRONT_PAGE)
    vision = StrategyElement.objects.get(code="V")
    vision.title = "Ny visjon etter redigering"
    vision.save()
    import time

    time.sleep(0.6)
    fresh = client.get(FRONT_PAGE)
    assert fresh["ETag"] != cached["ETag"]
    assert "Ny visjon etter redigering" in fresh.content.decode()


def _draft(code: str = "T-S98", parent: str = "T") -> StrategyElement:
    draft = StrategyElement(
        parent=StrategyElement.objects.get(code=parent),
        kind=Kind.STRATEGY,
        code=code,
        title="Ved å skrive et utkast",
    )
    draft.save()
    return draft


def _admin_saves_a_pending_change(client) -> None:
    from django.contrib.auth import get_user_model

    from tests.test_permalinks import change_form_data

    item = StrategyElement.objects.get(code="T-S2")
    user = get_user_model().objects.create_superuser("redaktor", "r@example.com", "pw-12345!")
    client.force_login(user)
    data = change_form_data(item, title="Et utkast til ny tittel")
    data["_save_draft"] = "Lagre som utkast"
    response = client.post(reverse("admin:strategy_strategyelement_change", args=[item.pk]), data)
    assert response.status_code == 302
    assert (
        StrategyElement.objects.get(code="T-S2").pending_change.title == "Et utkast til ny tittel"
    )
    client.logout()


def _edit_the_draft(client) -> None:
    draft = StrategyElement.objects.get(code="T-S99")
    draft.title = "Ved å endre et utkast"
    draft.save()


def _edit_under_a_draft_parent(client) -> None:
    item = StrategyElement.objects.get(code="T-S1")
    item.title = "Ny tittel under et utkast"
    item.save()


INVISIBLE_CHANGES = {
    "new draft": lambda client: _draft("T-S97"),
    "draft edited": _edit_the_draft,
    "draft moved": lambda client: StrategyElement.objects.get(code="T-S99").move_to(
        StrategyElement.objects.get(code="KM"), "last-child"
    ),
    "draft deleted": lambda client: StrategyElement.objects.get(code="T-S99").delete(),
    "source of a draft": lambda client: Source.objects.create(
        element=StrategyElement.objects.get(code="T-S99"), number=1, text="Kilde i et utkast"
    ),
    "pending change saved in the admin": _admin_saves_a_pending_change,
    "element under a draft parent edited": _edit_under_a_draft_parent,
    "draft parent's hidden child deleted": lambda client: StrategyElement.objects.get(
        code="T-S1"
    ).delete(),
}


@pytest.mark.parametrize("change", INVISIBLE_CHANGES)
def test_a_change_the_public_cannot_see_keeps_the_public_version(client, strategy, change):
    """Bug prevented: saving a draft (an unpublished element, anything under one, its sources,
    or a PendingChange) giving every public page a new ETag and Last-Modified: it revealed
    editorial activity to anyone polling a page, and emptied every worker's page cache."""
    draft = _draft("T-S99")
    hidden_area = StrategyElement.objects.get(code="T")
    if change in ("element under a draft parent edited", "draft parent's hidden child deleted"):
        hidden_area.is_published = False
        hidden_area.save()
    pages = [FRONT_PAGE, StrategyElement.objects.get(code="KM").get_absolute_url()]
    before = {url: client.get(url) for url in pages}
    version = ContentVersion.current().token
    draft.refresh_from_db()
    INVISIBLE_CHANGES[change](client)
    assert ContentVersion.current().token == version
    for url, response in before.items():
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again["Last-Modified"] == response["Last-Modified"]


@pytest.mark.parametrize("change", ["publish a draft", "unpublish", "move a public element"])
def test_a_change_the_public_sees_gives_a_new_version(client, strategy, change):
    """Bug prevented: keeping the version so strictly that publishing a draft, unpublishing a
    public element or moving it under a draft leaves readers with the old page (a 304)."""

    draft = _draft("T-S99")
    url = StrategyElement.objects.get(code="T").get_absolute_url()
    before = client.get(url)
    if change == "publish a draft":
        draft.publish()
    elif change == "unpublish":
        item = StrategyElement.objects.get(code="T-S2")
        item.is_published = False
        item.save()
    else:
        area = StrategyElement(
            parent=StrategyElement.objects.get(code="IO"), kind=Kind.FOCUS_AREA, title="Utkast"
        )
        area.save()
        StrategyElement.objects.get(code="T-S2").move_to(area, "last-child")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert ("Ved å skrive et utkast" in after.content.decode()) == (change == "publish a draft")
