"""Editions and point in time: the 2025–2028 edition, starting, consulting on and adopting the
next one, links that keep naming what they named, change notes, dated views."""

import csv
import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from strategy.infrastructure.integrity import tree_problems
from strategy.models import (
    Edition,
    EditionStatus,
    ElementPath,
    Kind,
    PendingChange,
    Source,
    StrategyElement,
)
from tests.admin_helpers import make_editor
from tests.test_citation import sitemap_urls

TITLE = "Strategiske føringer for Osloregionen 2025–2028"
NEXT = "2029-2032"


def element(edition: Edition, code: str) -> StrategyElement:
    return StrategyElement.objects.select_related("edition").get(edition=edition, code=code)


def first_edition() -> Edition:
    return Edition.objects.get(period="2025-2028")


@pytest.fixture
def next_edition(strategy) -> Edition:
    return Edition.objects.start_new(NEXT)


def text_of(response) -> str:
    return response.content.decode()


# 1. The document and its editions ---------------------------------------------------------


def test_the_document_has_the_owners_title_period_and_adopting_body_and_no_invented_dates(
    client, strategy
):
    """Prevents the portal calling the document «Strategi for Osloregionen» and inventing an
    adoption date the owner never gave."""
    edition = first_edition()
    assert strategy.title == TITLE
    assert edition.status == EditionStatus.IN_FORCE and edition.answers_unqualified_links
    assert edition.adopted_by == "Representantskapet i Osloregionen IPR"
    assert edition.adopted_on is None and edition.case_reference == ""
    page = text_of(client.get("/"))
    assert f"<h1>{TITLE}</h1>" in page
    assert "Utgave 2025–2028 · Gjeldende · Vedtas av Representantskapet i Osloregionen IPR" in page
    assert "Vedtatt " not in page and "None" not in page
    listing = text_of(client.get("/utgaver/"))
    assert "2025–2028" in listing and "Gjeldende" in listing
    # Shared in e-mail or Teams, the list is named as itself, not as the site.
    assert '<meta property="og:title" content="Utgaver av strategien">' in listing


def test_only_one_edition_can_be_in_force(strategy):
    """Prevents two editions in force at once (which one would the plain URLs show?)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.create(period=NEXT, status=EditionStatus.IN_FORCE)


def test_starting_an_edition_copies_everything_and_leaves_the_edition_in_force_alone(
    client, strategy
):
    """Prevents a new edition that loses elements, order, text or sources, or that changes
    (or shows itself through) the edition in force."""
    before_pages = {
        url: text_of(client.get(url))
        for url in ("/", "/hele-strategien/", "/sitemap.xml", "/api/strategi.json")
    }
    old = list(StrategyElement.objects.filter(edition=first_edition()).order_by("lft"))
    edition = Edition.objects.start_new(NEXT)
    assert edition.status == EditionStatus.DRAFT and edition.copied_from == first_edition()
    copies = list(StrategyElement.objects.filter(edition=edition).order_by("lft"))
    assert [(c.code, c.title, c.body, c.path, c.kind, c.level) for c in copies[1:]] == [
        (o.code, o.title, o.body, o.path, o.kind, o.level) for o in old[1:]
    ]
    # The document's title names the new period (editors may reword it further).
    assert copies[0].title == "Strategiske føringer for Osloregionen 2029–2032"
    assert (copies[0].code, copies[0].body) == (old[0].code, old[0].body)
    assert [c.predecessor_id for c in copies] == [o.pk for o in old]
    assert {c.parent.predecessor_id for c in copies if c.parent_id} <= {o.pk for o in old}
    assert not any(c.is_public for c in copies)
    assert sorted(
        Source.objects.filter(element__edition=edition).values_list("number", "text")
    ) == sorted(
        Source.objects.filter(element__edition=first_edition()).values_list("number", "text")
    )
    assert tree_problems(list(StrategyElement.objects.select_related("edition"))) == []
    # Edit in the draft: the edition in force, its pages, search and open data stay as they were.
    draft_item = element(edition, "T-S2")
    draft_item.title = "Ved å prøve noe helt nytt i utkastet"
    draft_item.save()
    for url, before in before_pages.items():
        assert text_of(client.get(url)) == before, url
    assert "prøve noe helt nytt" not in text_of(client.get("/sok/", {"q": "helt nytt utkastet"}))
    assert client.get(f"/utgaver/{NEXT}/").status_code == 404
    assert client.get(f"/r/{NEXT}/T-S2/").status_code == 404


def test_a_second_edition_cannot_be_started_while_one_is_in_the_works(next_edition):
    """Prevents two competing drafts of the next edition."""
    with pytest.raises(ValidationError, match="under arbeid"):
        Edition.objects.start_new("2033-2036")
    with pytest.raises(ValidationError, match="Perioden"):
        Edition.objects.start_new("2029")


def test_consultation_shows_the_draft_marked_and_keeps_the_edition_in_force(client, next_edition):
    """Prevents a consultation draft that is invisible, or that replaces the edition in force."""
    with pytest.raises(ValidationError):
        next_edition.send_to_consultation(None)
    next_edition.send_to_consultation(datetime.date(2028, 10, 1))
    page = text_of(client.get(f"/utgaver/{NEXT}/"))
    assert "Høringsutkast" in page and "1. oktober 2028" in page
    item = element(next_edition, "T-S2")
    assert client.get(f"/utgaver/{NEXT}/{item.path}/").status_code == 200
    assert client.get(f"/r/{NEXT}/T-S2/")["Location"] == f"/utgaver/{NEXT}/{item.path}/"
    assert client.get("/r/T-S2/")["Location"] == f"/{item.path}/"
    assert StrategyElement.objects.current_document().edition == first_edition()


# 2. Links that keep meaning what they meant -------------------------------------------------


def test_adoption_keeps_every_printed_link_naming_the_2025_2028_element(client, strategy):
    """Prevents the portal's worst failure: a council case's /r/T-S2/ silently showing the words
    of a later edition."""
    old_item = element(first_edition(), "T-S2")
    old_words = old_item.title
    renamed = element(first_edition(), "T-S3")
    renamed.slug = "nytt-navn"
    renamed.save()  # a former path of the 2025-2028 edition, printed before the rename
    former = ElementPath.objects.get(edition=first_edition(), code="T-S3").path
    next_edition = Edition.objects.start_new(NEXT)
    gone_in_next = element(next_edition, "T-S1")
    gone_in_next.delete()  # not continued in the next edition
    new_item = element(next_edition, "T-S2")
    new_item.title = "Ved å gjøre noe annet fra 2029"
    new_item.save()
    next_edition.adopt(datetime.date(2028, 12, 1), "28/123")

    assert Edition.objects.get(period="2025-2028").status == EditionStatus.SUPERSEDED
    assert Edition.objects.filter(status=EditionStatus.IN_FORCE).get() == next_edition
    # The printed short link and the edition-qualified one name the 2025-2028 T-S2.
    location = client.get("/r/T-S2/")["Location"]
    assert location == f"/utgaver/2025-2028/{old_item.path}/"
    assert client.get("/r/2025-2028/T-S2/")["Location"] == location
    page = text_of(client.get(location))
    assert old_words in page and "Denne utgaven er erstattet" in page
    assert f'href="/{new_item.path}/"' in page  # its successor
    # A former path of 2025-2028 still answers for the element it named.
    assert client.get(f"/{former}/")["Location"] == f"/utgaver/2025-2028/{renamed.path}/"
    # A plain path of 2025-2028 that the new edition has no element at still finds it.
    old_four = element(first_edition(), "T-S1")
    assert client.get(f"/{old_four.path}/")["Location"] == f"/utgaver/2025-2028/{old_four.path}/"
    assert "ikke videreført" in text_of(client.get(f"/utgaver/2025-2028/{old_four.path}/"))
    # The plain URLs serve the edition in force, which links back to its predecessor.
    current = text_of(client.get(f"/{new_item.path}/"))
    assert "Ved å gjøre noe annet fra 2029" in current
    assert f'href="/utgaver/2025-2028/{old_item.path}/"' in current
    # … and says so at the top when the words differ: a plain address printed before the
    # adoption never changes its words silently.
    assert (
        "Ny ordlyd i utgave 2029–2032.</strong> Utgave 2029–2032 gjelder fra vedtaket "
        "1. desember 2028. En lenke hit fra før det viste teksten i utgave 2025–2028: "
        f'<a href="/utgaver/2025-2028/{old_item.path}/">T-S2 i utgave 2025–2028</a>'
    ) in current
    assert "T-S2 i utgave 2025–2028</a>." in current.split('id="endringer-tittel"')[1]
    unchanged = element(next_edition, "T-S3")
    assert "Ny ordlyd" not in text_of(client.get(f"/{unchanged.path}/"))
    assert client.get(f"/r/{NEXT}/T-S2/")["Location"] == f"/{new_item.path}/"
    listing = text_of(client.get("/utgaver/"))
    assert "Erstattet" in listing and "1. desember 2028 (sak 28/123)" in listing


def test_the_sitemap_lists_every_public_edition_and_no_draft(client, strategy):
    """Prevents search engines never finding a superseded edition or a consultation draft
    (their front pages, «Hele strategien» and elements), or finding a draft."""
    origin = settings.CANONICAL_ORIGIN
    following = Edition.objects.start_new(NEXT)
    assert not any(f"/utgaver/{NEXT}/" in url for url in sitemap_urls(client))
    following.send_to_consultation(datetime.date(2028, 10, 1))
    consulted = set(sitemap_urls(client))
    assert {f"{origin}/utgaver/{NEXT}/", f"{origin}/utgaver/{NEXT}/hele-strategien/"} <= consulted
    assert f"{origin}/utgaver/{NEXT}/{element(following, 'T-S2').path}/" in consulted
    following.adopt(datetime.date(2028, 12, 1))
    urls = sitemap_urls(client)
    assert len(urls) == len(set(urls))
    old = element(first_edition(), "T-S2")
    for url in (
        f"{origin}/",
        f"{origin}/hele-strategien/",
        f"{origin}/utgaver/",
        f"{origin}/utgaver/2025-2028/",
        f"{origin}/utgaver/2025-2028/hele-strategien/",
        f"{origin}{old.get_absolute_url()}",
    ):
        assert url in urls, url
    assert not any(f"/utgaver/{NEXT}/" in url for url in urls)  # in force: the plain URLs
    for url in urls:
        assert client.get(url.removeprefix(origin)).status_code == 200, url


def test_codes_are_unique_inside_an_edition_only(next_edition):
    """Prevents a code naming two elements of one edition, while the next edition reuses it."""
    parent = element(next_edition, "T")
    duplicate = StrategyElement(parent=parent, kind=Kind.STRATEGY, code="T-S2", title="Dublett")
    with pytest.raises(ValidationError, match="allerede i bruk"):
        duplicate.full_clean()
    new = StrategyElement(parent=parent, kind=Kind.STRATEGY, title="Ny strategi i neste utgave")
    new.save()
    assert new.edition == next_edition and new.code not in set(
        StrategyElement.objects.filter(edition=first_edition()).values_list("code", flat=True)
    )


def test_an_element_cannot_move_into_another_edition(next_edition):
    """Prevents an edit in the draft edition reaching into the edition in force."""
    with pytest.raises(ValidationError, match="egen utgave"):
        element(next_edition, "T-S2").move_to(element(first_edition(), "T"), "last-child")


# 3. Every published wording, at any date -------------------------------------------------


def loaded_long_ago() -> None:
    """The fixture's load is the first version of everything (loaddata records it, dated
    now): a test that dates later versions in the past dates the load before them."""
    for model in (StrategyElement, Source):
        model.history.update(history_date=oslo(2025, 1, 1, 12))


def set_history_date(item: StrategyElement, when: datetime.datetime) -> None:
    StrategyElement.history.filter(id=item.pk).filter(
        history_id=StrategyElement.history.filter(id=item.pk).latest("history_date").history_id
    ).update(history_date=when)


def oslo(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_a_text_change_of_a_published_element_needs_a_change_note(strategy):
    """Prevents unexplained changes to text the public (and council cases) rely on."""
    item = element(first_edition(), "T-S2")
    PendingChange.objects.create(element=item, title="Ny ordlyd", slug=item.slug, body=item.body)
    with pytest.raises(ValidationError, match="endringsmerknad"):
        item.publish()
    assert element(first_edition(), "T-S2").title == item.title  # nothing changed
    item.publish(note="Språklig rettelse")
    assert element(first_edition(), "T-S2").title == "Ny ordlyd"


def test_dated_view_change_list_and_difference(client, strategy, monkeypatch):
    """Prevents a dated link showing today's words instead of those of that day, and a change
    list without notes or links."""
    loaded_long_ago()
    item = element(first_edition(), "T-S2")
    original = item.title
    item.save()
    set_history_date(item, oslo(2025, 6, 1, 12))
    PendingChange.objects.create(
        element=item, title="Ved å endre ordlyden", slug=item.slug, body=item.body
    )
    item.publish(note="Endret etter vedtak i representantskapet 12.3.2026")
    set_history_date(item, oslo(2026, 3, 12, 23, 30))  # late evening, Oslo time

    base = "/r/2025-2028/T-S2/"
    before = client.get(f"{base}2026-03-01/")
    assert before.status_code == 200
    text = text_of(before)
    assert original in text and "Ved å endre ordlyden" not in text.split("Endringer")[0]
    assert (
        "Slik teksten lød 1. mars 2026. Teksten er endret siden – se" in text
        and "hva som er endret" in text
    )
    same_day = text_of(client.get(f"{base}2026-03-12/"))  # end of that day in Oslo
    assert "Ved å endre ordlyden" in same_day and "Teksten er ikke endret siden" in same_day
    not_yet = client.get(f"{base}2024-12-31/")  # before the load
    assert not_yet.status_code == 404 and "fantes ikke" in text_of(not_yet)
    assert client.get(f"{base}2026-02-30/").status_code == 404  # no such day
    assert client.get(f"{base}2999-01-01/").status_code == 404

    page = text_of(client.get(item.get_absolute_url()))
    assert "Endret etter vedtak i representantskapet 12.3.2026" in page
    assert f'href="{base}2026-03-12/"' in page
    version = StrategyElement.history.filter(id=item.pk).latest("history_date").history_id
    diff = text_of(client.get(f"{base}endringer/{version}/"))
    assert "<del>" in diff and "<ins>" in diff and "ordlyden" in diff
    # The citation offers the dated link first and names the edition.
    citation = page.split('id="sitat-tekst">')[1].split("</pre>")[0]
    assert "Utgave 2025–2028 (gjeldende)" in citation
    dated_at = citation.index("/r/2025-2028/T-S2/20")
    assert dated_at < citation.index("Permanent lenke: http")
    assert (
        citation.split("Permanent lenke: ")[1].startswith("http")
        and "/r/2025-2028/T-S2/\n" in citation
    )


def test_dated_view_after_a_deletion_answers_410_and_before_it_the_text(client, strategy):
    """Prevents a deleted element's dated links failing for dates when it still stood."""
    loaded_long_ago()
    item = element(first_edition(), "T-S2")
    words = item.title
    item.save()
    set_history_date(item, oslo(2025, 6, 1, 12))
    item.delete()
    latest = StrategyElement.history.filter(history_type="-", code="T-S2").latest("history_date")
    StrategyElement.history.filter(history_id=latest.history_id).update(
        history_date=oslo(2026, 5, 1, 12)
    )
    assert words in text_of(client.get("/r/2025-2028/T-S2/2026-04-30/"))
    assert client.get("/r/2025-2028/T-S2/2026-05-02/").status_code == 410


def parents_at(client, day: str) -> dict[str, str]:
    """Each element's parent code in the open data as it stood at the end of ``day``."""
    rows = text_of(client.get("/api/strategi.csv", {"dato": day})).lstrip("\ufeff").splitlines()
    reader = csv.DictReader(rows, delimiter=";")
    return {row["kode"]: row["overordnet_kode"] for row in reader}


def test_dated_views_across_a_rename_and_a_move(client, strategy):
    """Prevents a dated link that breaks, or shows today's words or place, once its element
    has been renamed (new title and address) and moved to another focus area."""
    loaded_long_ago()
    item = element(first_edition(), "T-S2")
    original_title, original_path = item.title, item.path
    PendingChange.objects.create(
        element=item, title="Ved å satse på godstog", slug="godstog", body=item.body
    )
    item.publish(note="Nytt navn")
    set_history_date(item, oslo(2026, 3, 12, 12))
    StrategyElement.objects.move_element(item, element(first_edition(), "KM"), "last-child")
    set_history_date(item, oslo(2026, 4, 2, 12))
    item = element(first_edition(), "T-S2")
    assert item.path != original_path and item.parent.code == "KM"

    base = "/r/2025-2028/T-S2/"
    before_rename = text_of(client.get(f"{base}2026-03-01/"))
    assert original_title in before_rename and "Teksten er endret siden" in before_rename
    for day in ("2026-03-20", "2026-04-10"):  # renamed; renamed and moved
        answer = client.get(f"{base}{day}/")
        assert answer.status_code == 200 and "Ved å satse på godstog" in text_of(answer), day
    assert client.get(f"/{original_path}/")["Location"] == f"/{item.path}/"
    assert client.get(base)["Location"] == f"/{item.path}/"
    # The whole strategy at a date has the element where it stood that day.
    assert parents_at(client, "2026-03-20")["T-S2"] == "T"
    assert parents_at(client, "2026-04-10")["T-S2"] == "KM"
    whole = text_of(client.get("/hele-strategien/", {"dato": "2026-03-01"}))
    assert original_title in whole and "Ved å satse på godstog" not in whole
    # Moving is no change of the words: the «Endringer» list has the rename only.
    changes = text_of(client.get(item.get_absolute_url())).split('id="endringer')[1]
    assert "Nytt navn" in changes and "Flyttet" not in changes


def test_dated_view_across_an_adoption_shows_the_edition_it_names(client, next_edition):
    """Prevents a dated 2025-2028 link changing its words when the next edition is adopted."""
    old_item = element(first_edition(), "T-S2")
    new_item = element(next_edition, "T-S2")
    new_item.title = "Ny ordlyd i 2029-2032"
    new_item.save()
    next_edition.adopt()
    today = timezone.localdate().isoformat()
    text = text_of(client.get(f"/r/2025-2028/T-S2/{today}/"))
    assert old_item.title in text and "Ny ordlyd i 2029-2032" not in text


def test_what_the_editors_changed_in_a_draft_edition_is_no_public_change(client, next_edition):
    """Prevents a new edition's «Endringer» listing the editors' work on the draft (the public
    never saw those words), and a dated view or «Hele strategien» showing the draft as the
    text of a day before the edition was made public."""
    item = element(next_edition, "T-S2")
    for title in ("Ved å prøve et første utkast", "Ved å prøve et andre utkast"):
        item.title = title
        item.save()
    removed = element(next_edition, "T-S1")
    removed_id = removed.pk
    removed.delete()  # never public in this edition
    StrategyElement.history.filter(edition_id=next_edition.pk).update(
        history_date=oslo(2026, 6, 1, 12)
    )
    next_edition.send_to_consultation(datetime.date(2028, 10, 1))
    Edition.objects.filter(pk=next_edition.pk).update(public_since=oslo(2026, 9, 1, 12))
    assert StrategyElement.history.filter(id=removed_id).exists()

    page = text_of(client.get(f"/utgaver/{NEXT}/{item.path}/"))
    assert "Teksten er ikke endret siden den ble publisert." in page
    base = f"/r/{NEXT}/T-S2/"
    assert client.get(f"{base}2026-08-31/").status_code == 404  # a draft then
    made_public = text_of(client.get(f"{base}2026-09-01/"))
    assert "Ved å prøve et andre utkast" in made_public and "første utkast" not in made_public
    whole = client.get(f"/utgaver/{NEXT}/hele-strategien/", {"dato": "2026-08-31"})
    assert whole.status_code == 404
    assert client.get(f"/r/{NEXT}/T-S1/2026-09-02/").status_code == 404  # not 410
    # A change after the edition was made public is a public change, with its note.
    PendingChange.objects.create(
        element=item, title="Ved å prøve høringens ordlyd", slug=item.slug, body=item.body
    )
    item.publish(note="Endret etter høringsmøtet")
    changes = text_of(client.get(f"/utgaver/{NEXT}/{item.path}/")).split('id="endringer-tittel"')[1]
    changes = changes.split("</section>")[0]
    assert "Endret etter høringsmøtet" in changes and changes.count("<li>") == 1
    history = client.get(f"/utgaver/{NEXT}/api/elementer/T-S2.json").json()["endringer"]
    assert history[0]["dato"][:10] == "2026-09-01"
    assert len(history) == 2


# Admin ------------------------------------------------------------------------------------


def test_the_secretariat_starts_consults_on_and_adopts_an_edition_in_the_admin(client, strategy):
    """Prevents an edition changing status without the explicit, confirmed admin action."""
    client.force_login(make_editor())
    assert client.get(reverse("admin:strategy_edition_changelist")).status_code == 200
    start = reverse("admin:strategy_edition_start")
    assert "Start ny utgave" in text_of(client.get(start))
    assert "Perioden" in text_of(client.post(start, {"period": "2029"}))
    assert Edition.objects.count() == 1
    response = client.post(start, {"period": NEXT})
    edition = Edition.objects.get(period=NEXT)
    assert response.status_code == 302 and edition.status == EditionStatus.DRAFT
    consult = reverse("admin:strategy_edition_consult", args=[edition.pk])
    assert "må fylles ut" in text_of(client.post(consult, {}))
    client.post(consult, {"deadline": "2028-10-01"})
    edition.refresh_from_db()
    assert edition.status == EditionStatus.CONSULTATION
    adopt = reverse("admin:strategy_edition_adopt", args=[edition.pk])
    assert "Bekreft vedtaket" in text_of(client.post(adopt, {"adopted_on": "2028-12-01"}))
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.CONSULTATION
    client.post(adopt, {"adopted_on": "2028-12-01", "case_reference": "28/1", "confirm": "on"})
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.IN_FORCE
    assert first_edition().status == EditionStatus.SUPERSEDED
    assert first_edition().replaced_by_id == edition.pk


def rows_of(html: str) -> list[int]:
    """The primary keys of the element list's rows, in order."""
    return [int(pk) for pk in re.findall(r'class="tree-node" data-pk="(\d+)"', html)]


def edition_elements_url(pk) -> str:
    return f"{reverse('admin:strategy_strategyelement_changelist')}?utgave={pk}"


def test_the_element_list_tells_a_new_edition_from_the_one_in_force(client, next_edition):
    """Prevents the secretariat editing the edition in force for the new one: after «Start
    ny utgave» the element list showed two identical trees (same codes, titles and «publisert»,
    a «Vis på nettstedet» that led to a 404 for the draft), and no way from the edition to its
    elements."""
    client.force_login(make_editor())
    in_force = first_edition()
    edition_page = text_of(
        client.get(reverse("admin:strategy_edition_change", args=[next_edition.pk]))
    )
    elements_url = edition_elements_url(next_edition.pk)
    assert f'href="{elements_url}">Elementene i utgaven' in edition_page
    assert "/utgaver/2029-2032/" not in edition_page  # no «Vis på nettsted» for a draft
    everything = text_of(client.get(reverse("admin:strategy_strategyelement_changelist")))
    assert "· utgave 2029–2032 (utkast)" in everything
    assert "· utgave 2025–2028 (gjeldende)" in everything
    assert "T Transport og mobilitet (2029–2032)" in everything  # the part filter's choices

    html = text_of(client.get(elements_url))
    draft_t = element(next_edition, "T")
    assert rows_of(html) == list(
        StrategyElement.objects.filter(edition=next_edition, level__lte=2)
        .order_by("lft")
        .values_list("pk", flat=True)
    )  # still the lazy tree, of this edition only
    assert "Vis de 7 elementene under T" in html
    assert "publisert, ikke offentlig" in html and "Vis på nettstedet" not in html
    assert "T Transport og mobilitet (2029–2032)" not in html  # parts of this edition only
    assert re.search(rf"under={draft_t.pk}\b", html)
    assert not re.search(rf"under={element(in_force, 'T').pk}\b", html)
    in_force_list = text_of(client.get(edition_elements_url(in_force.pk)))
    assert "publisert, ikke offentlig" not in in_force_list and "Vis på nettstedet" in in_force_list
    assert client.get(edition_elements_url("x")).status_code == 302  # Django's «?e=1»


def test_an_element_of_a_draft_edition_says_where_its_changes_go(client, next_edition):
    """Prevents a form that told the editor «publikum ser dem med en gang» for a change in an
    unpublished edition, linked to a public page that does not exist, and offered as parent
    the look-alike elements of the edition in force (which the model then refused)."""
    client.force_login(make_editor())
    draft_item = element(next_edition, "T-S2")
    html = text_of(
        client.get(reverse("admin:strategy_strategyelement_change", args=[draft_item.pk]))
    )
    assert "Utgave 2029–2032 er et utkast." in html
    assert "publikum ser dem når utgaven sendes på høring" in html
    assert "publikum ser dem med en gang" not in html and "Vis på nettstedet" not in html
    parents = {
        int(pk)
        for pk in re.findall(
            r'<option value="(\d+)"', html.split('name="parent"')[1].split("</select>")[0]
        )
    }
    assert parents and set(
        StrategyElement.objects.filter(pk__in=parents).values_list("edition_id", flat=True)
    ) == {next_edition.pk}
    in_force_item = element(first_edition(), "T-S2")
    html = text_of(
        client.get(reverse("admin:strategy_strategyelement_change", args=[in_force_item.pk]))
    )
    assert "er et utkast" not in html and "publikum ser dem med en gang" in html
    assert f'href="{in_force_item.get_absolute_url()}" class="viewsitelink"' in html
    next_edition.send_to_consultation(datetime.date(2028, 10, 1))
    html = text_of(
        client.get(reverse("admin:strategy_strategyelement_change", args=[draft_item.pk]))
    )
    assert "Utgave 2029–2032 er på høring." in html
    assert f'href="/utgaver/2029-2032/{draft_item.path}/" class="viewsitelink"' in html


def test_an_edit_saved_from_a_copy_read_before_adoption_is_kept(next_edition):
    """Prevents adoption and a concurrent edit losing either: the editor's stale copy is saved
    after the adoption, and both the adoption and the edit stand."""
    stale = element(next_edition, "T-S2")
    next_edition.adopt()
    stale.title = "Redigert under vedtaket"
    stale.save()
    fresh = element(next_edition, "T-S2")
    assert fresh.title == "Redigert under vedtaket" and fresh.is_public
    assert Edition.objects.get(pk=next_edition.pk).status == EditionStatus.IN_FORCE


# Queries ----------------------------------------------------------------------------------


DATED_VIEW_QUERIES = 5  # edition, element, versions, navigation (document + top)


def test_dated_view_runs_a_fixed_number_of_queries(
    client, generated_tree, django_assert_num_queries
):
    """Prevents the dated view growing in queries with the tree or the length of history."""
    edition = generated_tree.edition
    item = StrategyElement.objects.get(edition=edition, code="GEN-F3-S7")
    for number in range(20):
        item.title = f"Versjon {number}"
        item.save()
    url = f"/r/{edition.period}/GEN-F3-S7/{timezone.localdate().isoformat()}/"
    with django_assert_num_queries(DATED_VIEW_QUERIES):
        response = client.get(url)
    assert response.status_code == 200 and "Versjon 19" in text_of(response)


ELEMENT_PAGE_QUERIES = 5  # content version, element, context, sources, versions
# + the edition by its period, the edition that replaced it (banner) and the successor in the
# edition in force (one edition on)
SUPERSEDED_ELEMENT_PAGE_QUERIES = 8


def test_element_page_queries_do_not_grow_with_the_history(
    client, generated_tree, django_assert_num_queries
):
    """Prevents the «Endringer» list costing a query per version."""
    item = StrategyElement.objects.get(edition=generated_tree.edition, code="GEN-F3-S7")
    with django_assert_num_queries(ELEMENT_PAGE_QUERIES):
        assert client.get(item.get_absolute_url()).status_code == 200
    for number in range(20):
        PendingChange.objects.create(
            element=item, title=f"Versjon {number}", slug=item.slug, body="Tekst."
        )
        item.publish(note=f"Endring nr. {number}")
    with django_assert_num_queries(ELEMENT_PAGE_QUERIES):
        response = client.get(item.get_absolute_url())
    assert "Endring nr. 19" in text_of(response) and "Endring nr. 1." in text_of(response)


def test_a_superseded_element_page_runs_a_fixed_number_of_queries(
    client, generated_tree, django_assert_num_queries
):
    """Prevents the banner's successor lookup growing with the tree."""
    old = generated_tree.edition
    new = Edition.objects.start_new(f"{int(old.period[5:]) + 1}-{int(old.period[5:]) + 4}")
    new.adopt()
    item = StrategyElement.objects.get(edition=old, code="GEN-F3-S7")
    with django_assert_num_queries(SUPERSEDED_ELEMENT_PAGE_QUERIES):
        response = client.get(item.get_absolute_url())
    assert response.status_code == 200 and "Denne utgaven er erstattet" in text_of(response)


COMPARISON_QUERIES = 6  # both editions, the elements of each, the navigation (2)


def test_comparison_of_two_editions_is_correct_in_fixed_queries(
    client, next_edition, django_assert_num_queries
):
    """Prevents a comparison that misses a change, a new element or one not continued."""
    changed = element(next_edition, "T-S2")
    changed.title = "Ved å videreutvikle nye løsninger"
    changed.save()
    element(next_edition, "T-S1").delete()
    StrategyElement.objects.create(
        parent=element(next_edition, "T"),
        kind=Kind.STRATEGY,
        title="Ved å prøve en helt ny strategi",
        is_published=True,
    )
    next_edition.send_to_consultation(datetime.date(2028, 10, 1))
    with django_assert_num_queries(COMPARISON_QUERIES):
        response = client.get(f"/utgaver/2025-2028/sammenlign/{NEXT}/")
    page = text_of(response)
    assert response.status_code == 200
    changed_part = page.split('id="endret-tittel"')[1].split('id="nye-tittel"')[0]
    assert "T-S2" in changed_part and "<ins>nye løsninger</ins>" in changed_part
    # The document's title names its period: <del>2025–2028</del> <ins>2029–2032</ins>.
    assert "<del>2025–2028</del> <ins>2029–2032</ins>" in changed_part
    assert "Ved å prøve en helt ny strategi" in page.split('id="nye-tittel"')[1].split("</ul>")[0]
    gone = page.split('id="ikke-videreført-tittel"')[1].split("</ul>")[0]
    assert "T-S1" in gone and "T-S2" not in gone
    assert "2 endret, 1 nye, 1 ikke videreført" in page
    # Politicians read which of the two is adopted and which is a draft.
    assert (
        "Fra utgave 2025–2028 er gjeldende; til utgave 2029–2032 er et høringsutkast med frist "
        "1. oktober 2028, ikke vedtatt."
    ) in page
    assert client.get("/utgaver/2025-2028/sammenlign/2025-2028/").status_code == 404
    assert 'sammenlign/2029-2032/"' in text_of(client.get("/utgaver/"))


def test_the_add_form_names_the_edition_of_each_document_among_the_parents(client, next_edition):
    """Prevents a new element added under the look-alike tree of the wrong edition: the
    «Overordnet element» list showed two identical trees with nothing telling them apart."""
    client.force_login(make_editor())
    html = text_of(client.get(reverse("admin:strategy_strategyelement_add")))
    choices = html.split('name="parent"')[1].split("</select>")[0]
    assert "· utgave 2025–2028 (gjeldende)</option>" in choices
    assert "· utgave 2029–2032 (utkast)</option>" in choices
    assert choices.count("· utgave") == 2  # the documents only


def test_the_secretariat_compares_its_draft_with_the_edition_in_force(client, next_edition):
    """Prevents the comparison being out of the secretariat's reach while it prepares the next
    edition (it answered 404 until the draft was sent on consultation), and a draft's
    comparison reaching the public or a cache."""
    changed = element(next_edition, "T-S2")
    changed.title = "Ved å videreutvikle nye løsninger"
    changed.save()
    hidden = element(next_edition, "T-S3")
    hidden.is_published = False
    hidden.save()
    url = f"/utgaver/2025-2028/sammenlign/{NEXT}/"
    assert client.get(url).status_code == 404  # the public: no draft
    client.force_login(make_editor())
    edition_page = text_of(
        client.get(reverse("admin:strategy_edition_change", args=[next_edition.pk]))
    )
    assert f'href="{url}">Sammenlign med gjeldende utgave' in edition_page
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    page = text_of(response)
    assert "til utgave 2029–2032 er et utkast, som bare redaksjonen ser." in page
    assert "<ins>nye løsninger</ins>" in page.split('id="endret-tittel"')[1]
    # Unpublished in the draft: not in the edition as the public will see it.
    gone = page.split('id="ikke-videreført-tittel"')[1].split("</ul>")[0]
    assert "T-S3" in gone
    # The draft's elements have no public page yet: their links lead to their forms.
    form = reverse("admin:strategy_strategyelement_change", args=[changed.pk])
    assert f'<a href="{form}">T-S2</a>' in page
