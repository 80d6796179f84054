"""Search: the header form, the results page, reference codes, drafts, bad input, query counts;
compounds, synonyms, "Mente du …?", filters, the Snowball stemmer on both databases, and the
suggestions as you type (their browser side: tests/test_search_browser.py)."""

import copy
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from strategy.models import Kind, StrategyElement, SynonymGroup
from strategy.models.vocabulary import install_starting_synonyms
from strategy.search.engine import (
    ALL,
    EXACT,
    MAX_QUERY_LENGTH,
    PART,
    clean_query,
    fts_match_sql,
    highlighted,
    search_page,
    tsquery_sql,
)
from strategy.search.sql import START_MARK, STOP_MARK
from strategy.search.terms import parse_query
from tests.factories import build_generated_tree
from tests.helpers import main_html, page_text

SEARCH = reverse("strategy:search")


def search(client, query: str):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200, query
    return response


def result_codes(response) -> list[str]:
    """The reference codes of the hits, best first."""
    html = main_html(response.content.decode())
    return re.findall(
        r'<h2 class="search-result__title"><span class="code"[^>]*>([^<]+)</span>', html
    )


def add_element(parent_code: str, kind: str, code: str, title: str, body: str = "", **fields):
    element = StrategyElement(
        parent=StrategyElement.objects.get(code=parent_code),
        kind=kind,
        code=code,
        title=title,
        body=body,
        is_published=fields.pop("is_published", True),
        **fields,
    )
    element.save()
    return element


def test_every_page_has_a_labelled_search_form_in_the_header(client, strategy):
    """Bug prevented: a search box only on some pages, one that needs JavaScript, or an input
    without a label that screen readers announce as "edit text"."""
    element = StrategyElement.objects.get(code="T-S2")
    for url in ("/", "/hele-strategien/", element.get_absolute_url(), "/finnes-ikke/", SEARCH):
        html = client.get(url).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        suggestions = reverse("strategy:search-suggestions")
        assert (
            f'<form class="site-search" role="search" action="{SEARCH}" method="get" '
            f'data-suggest-url="{suggestions}">'
        ) in header
        assert '<label class="site-search__label" for="sok-felt">Søk</label>' in header
        assert 'id="sok-felt" name="q"' in header


def test_results_show_title_place_code_and_marked_snippet_linking_to_the_element(client, strategy):
    """Bug prevented: hits without context (which focus area?), without their code, or with the
    matched words not shown."""
    response = search(client, "Oslofjorden")
    html = main_html(response.content.decode())
    theme = StrategyElement.objects.get(code="TT4")
    assert result_codes(response) == ["TT4"]
    assert (
        f'<a href="{theme.get_absolute_url()}">Miljøtilstanden i <mark>Oslofjorden</mark>' in html
    )
    assert "Tverrgående tema › Tverrgående temaer" in page_text(html)
    assert "1 treff på «Oslofjorden»" in page_text(html)

    response = search(client, "transport")
    html = main_html(response.content.decode())
    assert "T-S2" in result_codes(response)
    assert "Strategi › Innsatsområdene › Transport og mobilitet" in page_text(html)
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>" in snippet


def test_inflected_forms_find_the_word(client, strategy):
    """Bug prevented: a search that only finds the exact form typed, so "transporten" or
    "byene" find nothing although the strategy speaks of transport and byer."""
    transporten = result_codes(search(client, "transporten"))
    assert {"T", "T-U1"} <= set(transporten)  # "Transport og …", "transportsystem" (compound)
    inflected = result_codes(search(client, "transportsystemet"))
    assert {"T-U1", "T-D", "T-U2"} <= set(inflected)  # "transportsystem" and "…systemet"
    by_results = result_codes(search(client, "byene"))
    assert {"B", "B-U2", "B-D"} <= set(by_results)  # they say "byer", never "byene"
    assert "byene" not in " ".join(
        StrategyElement.objects.get(code=code).title + StrategyElement.objects.get(code=code).body
        for code in ("B-U2", "B-D")
    )


@pytest.mark.postgresql
def test_postgresql_uses_the_norwegian_snowball_stemmer(client, strategy):
    """Bug prevented: PostgreSQL searching with the 'simple' or 'english' configuration, where
    "bærekraften" does not meet "bærekraftig" and "regionene" does not meet "regioner"."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM strategy_strategyelement WHERE code = %s", ["B-U1"]
        )
        vector = cursor.fetchone()[0]
    assert "'bærekraft':" in vector  # "bærekraftig" stemmed by the Norwegian Snowball stemmer
    assert "B-U1" in result_codes(search(client, "bærekraften"))
    assert "B-U2" in result_codes(search(client, "regionene"))  # the title says "regioner"


def test_a_title_hit_ranks_above_a_body_hit(client, strategy):
    """Bug prevented: results in tree order (or worse), so the element named after the word
    hides below elements that mention it in passing."""
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å styrke sjøveien", "Om fjellvannsbasseng i nord.")
    add_element("T", Kind.STRATEGY, "T-S9", "Ved å bygge fjellvannsbasseng", "Tekst om noe annet.")
    # Then elements with only a part of the compound ("vann"): they rank below, see
    # test_exact_above_part_above_synonym.
    assert result_codes(search(client, "fjellvannsbasseng"))[:2] == ["T-S9", "T-S8"]


def test_drafts_and_everything_under_them_are_never_found(client, strategy):
    """Bug prevented: the search leaking a draft, or a published element under a draft, that
    no page shows."""
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å planlegge kabelferger", is_published=False)
    assert result_codes(search(client, "kabelferger")) == []
    assert "T-S1" in result_codes(search(client, "påvirkningsarbeid"))

    StrategyElement.objects.filter(code="T").update(is_published=False)
    assert result_codes(search(client, "påvirkningsarbeid")) == []
    codes = result_codes(search(client, "transport"))
    assert codes and not any(code == "T" or code.startswith("T-") for code in codes)
    # A code under a draft is no shortcut either: the page says there is nothing.
    response = search(client, "t-s2")
    assert "Ingen treff" in page_text(response.content.decode())


def test_without_a_published_document_the_search_is_a_norwegian_404(client, strategy):
    """Bug prevented: the one-statement results page failing (500) or showing hits from a
    strategy that is not published, when there is no current document."""
    StrategyElement.objects.filter(pk=strategy.pk).update(is_published=False)
    response = client.get(SEARCH, {"q": "transport"})
    assert response.status_code == 404
    assert "Fant ikke siden" in page_text(response.content.decode())


@pytest.mark.parametrize("typed", ["T-S2", "t-s2", "  t-S2 ", "tt4", "k"])
def test_a_reference_code_goes_straight_to_its_element(client, strategy, typed):
    """Bug prevented: a code copied from a council document giving a list of loose text hits
    instead of the element it names."""
    response = client.get(SEARCH, {"q": typed})
    element = StrategyElement.objects.get(code__iexact=typed.strip())
    assert response.status_code == 302
    assert response["Location"] == element.get_absolute_url()


BAD_INPUTS = {
    "empty": ("", "Skriv ett eller flere ord"),
    "spaces": ("   \t ", "Skriv ett eller flere ord"),
    "quotes": ('"""\'\'"', "ingen ord å lete etter"),
    "operators": ("&|!:*()", "ingen ord å lete etter"),
    "tsquery syntax": ("transport & !:* | (gods", None),
    "unclosed phrase": ('"grønn næringstransport', None),
    "fts5 syntax": ("transport NEAR(gods) AND OR NOT ^kraft col:x", "Ingen treff"),
    "sql": ("'; DROP TABLE strategy_strategyelement;--", "Ingen treff"),
    "emoji": ("🚆🚲🌊", "ingen ord å lete etter"),
    "emoji with word": ("🚆 transport", None),
    "mixed scripts": ("Осло مرحبا 東京 Oslo", "Ingen treff"),
    "nul bytes": ("transport\x00gods\x00", None),
    "only small words": ("og i på", "ingen ord å lete etter"),
    "only exclusions": ("-transport -gods", "ingen ord å lete etter"),
    "only or": ("or eller OR", "ingen ord å lete etter"),
    "markers": (f"{START_MARK}transport{STOP_MARK}", None),
    "backslashes": ("\\\\' \\\" transport\\", None),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gives_a_normal_page_with_a_norwegian_message(client, strategy, name):
    """Bug prevented: a 500 (or a database syntax error) from what people paste into a search
    box: operators, quotes, SQL, emoji, other scripts, control characters."""
    query, message = BAD_INPUTS[name]
    response = search(client, query)
    text = page_text(main_html(response.content.decode()))
    if message:
        assert message in text
    else:
        assert result_codes(response), text  # the words in it were searched for
    assert StrategyElement.objects.count() == 54  # nothing changed


def test_an_overlong_query_is_cut_with_a_message(client, strategy):
    """Bug prevented: a 5,000-character query tying up the database or failing."""
    response = search(client, "transport " * 500)
    text = page_text(main_html(response.content.decode()))
    assert f"kortet ned til de første {MAX_QUERY_LENGTH} tegnene" in text
    assert "T" in result_codes(response)
    assert len(clean_query("x" * 5000).text) == MAX_QUERY_LENGTH


def test_query_parsing_lets_only_letters_and_digits_into_the_database_query():
    """Bug prevented: a quote or operator in the input reaching PostgreSQL's query or FTS5
    MATCH unescaped and breaking (or changing) the query."""
    parsed = parse_query("\"grønn næringstransport\" or sykkel -gods '; DROP \" 'x' :*")
    for level in (EXACT, PART, ALL):
        fts_sql, fts_params = fts_match_sql(parsed, level)
        ts_sql, ts_params = tsquery_sql(parsed, level)
        for sql in (fts_sql, ts_sql):
            assert "DROP" not in sql and "drop" not in sql and ";" not in sql
        for param in fts_params + ts_params:
            if re.fullmatch(r"%? ?[^\W_]+(?: [^\W_]+)* ?%?", param):
                continue  # a stem, a synonym group's key or a LIKE pattern of a stem
            # A literal piece of a query text: stems between the syntax we write ourselves.
            stripped = re.sub(
                r"""'[^\W_]+'|"[^\W_]+(?: (?:[^\W_]+|\ue000))*"|<\d+>|<->|:\*|OR|AND|NOT""",
                "",
                param,
            )
            assert re.fullmatch(r"[\s()|&!*]*", stripped), param
        assert "".join(fts_params).count('"') % 2 == 0
    assert "'grønn' <-> 'næringstransport'" in "".join(ts_params)  # the phrase, as typed
    assert "'sykkel'" in "".join(ts_params) and " & !('god'" in "".join(ts_params)


@pytest.mark.postgresql
def test_postgresql_query_has_each_stem_once(client, strategy):
    """Bug prevented: the inflected forms of a short word ("klima", "klimaet", …) all stemming
    to 'klim' and each being matched and ranked again on every row, which made a two-word
    search several times slower on a large tree."""
    query, params = tsquery_sql(parse_query("klima og miljø -byene"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({query})::text", params)
        text = cursor.fetchone()[0]
    lexemes = re.findall(r"'[^']+'(?::\*)?", text)
    assert len(lexemes) == len(set(lexemes)), text
    assert text.startswith("'klim':* & ( 'miljø':* | 'vannmiljø' ) & !( 'by' |"), text
    assert {"B", "B-U2", "B-D"} <= set(result_codes(search(client, "byene")))


def test_highlighting_escapes_the_text_and_balances_marks():
    """Bug prevented: an editor's <script> in a title running on the results page, or an
    unbalanced <mark> swallowing the rest of the page."""
    html = highlighted(f"<script>alert(1)</script> {START_MARK}transport{STOP_MARK} {START_MARK}x")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>transport</mark> <mark>x</mark>"
    assert highlighted(f"{STOP_MARK}a{STOP_MARK}") == "a"


def test_an_editors_markup_in_a_hit_is_shown_as_text(client, strategy):
    """Bug prevented: HTML from the database (via ts_headline or snippet) reaching the page
    unescaped."""
    add_element(
        "T",
        Kind.STRATEGY,
        "T-S8",
        "Ved <script>alert(1)</script> kabelferger",
        "<b>kabelferger</b>",
    )
    html = search(client, "kabelferger").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>kabelferger</mark>" in html
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
    # SQLite's snippet keeps the tag as escaped text; PostgreSQL's ts_headline drops it.
    assert snippet in ("&lt;b&gt;<mark>kabelferger</mark>&lt;/b&gt;", "<mark>kabelferger</mark>")


def test_the_index_follows_edits_and_deletes(client, strategy):
    """Bug prevented: a stale index that finds an element by its old title or finds deleted
    elements (the triggers of search/schema.py)."""
    # Words that are no compounds: a part of them cannot find the element again.
    element = StrategyElement.objects.get(code="TT4")
    element.title = "Vannkvaliteten i indre akvatorium"
    element.save()
    assert result_codes(search(client, "akvatorium")) == ["TT4"]
    element.title = "Sjøbunnen i indre laguner"
    element.save()
    assert result_codes(search(client, "akvatorium")) == []
    assert result_codes(search(client, "laguner")) == ["TT4"]
    element.delete()
    assert result_codes(search(client, "laguner")) == []


SEARCH_QUERIES = 1  # one statement: the document, the hits, their ancestors and the navigation


def assert_fixed_search_queries(client, django_assert_num_queries, queries: dict[str, int]):
    for query, minimum_hits in queries.items():
        with django_assert_num_queries(SEARCH_QUERIES):
            response = search(client, query)
        assert len(result_codes(response)) >= minimum_hits, query
    # A single word could be a reference code: one more query looks it up first.
    with django_assert_num_queries(SEARCH_QUERIES + 1):
        response = search(client, "utfordring")
    assert result_codes(response)


def test_results_page_runs_a_fixed_number_of_queries(client, strategy, django_assert_num_queries):
    """Bug prevented: one query per hit for its ancestors or snippet, making a popular word slow
    on a large tree."""
    assert_fixed_search_queries(
        client, django_assert_num_queries, {"grønn transport": 2, "regionen og byene": 1}
    )

    StrategyElement.objects.get(pk=strategy.pk).delete()
    generated = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
    assert StrategyElement.objects.filter(tree_id=generated.tree_id).count() >= 2000
    assert_fixed_search_queries(
        client, django_assert_num_queries, {"utfordring i": 20, "tiltak 7": 20, "miljø næring": 20}
    )
    response = search(client, "utfordring i")
    assert "1050 treff på «utfordring i», viser 1–20." in page_text(response.content.decode())
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(SEARCH, {"q": "utfordring i", "side": "3"})
    assert "viser 41–60." in page_text(response.content.decode())
    assert len(result_codes(response)) == 20
    # Every hit still shows its whole place in the hierarchy, from the same single statement.
    places = re.findall(r'<p class="search-result__place">([^<]*)</p>', response.content.decode())
    for code, place in zip(result_codes(response), places, strict=True):
        element = StrategyElement.objects.get(code=code)
        titles = [a.display_title for a in element.get_ancestors() if a.kind != Kind.DOCUMENT]
        assert place == " › ".join([element.get_kind_display(), *titles]), code


def test_results_come_in_pages_of_twenty(client, strategy):
    """Bug prevented: a popular word rendering hundreds of hits at once, or a page number in
    the address that fails ("side=abc", "side=-1", a page past the end)."""
    for number in range(1, 26):
        add_element("T", Kind.CHALLENGE, f"T-U{number + 10}", f"Isfjell nummer {number}")
    first = search(client, "isfjell")
    assert len(result_codes(first)) == 20
    assert "25 treff på «isfjell», viser 1–20." in page_text(first.content.decode())
    assert 'rel="next" href="/sok/?q=isfjell&amp;side=2"' in first.content.decode()
    second = client.get(SEARCH, {"q": "isfjell", "side": "2"})
    assert len(result_codes(second)) == 5
    assert set(result_codes(first)).isdisjoint(result_codes(second))
    assert 'rel="prev"' in second.content.decode()
    for page in ("abc", "-1", "0", "99999999999", "1.5", "\x00"):
        assert result_codes(client.get(SEARCH, {"q": "isfjell", "side": page})) == result_codes(
            first
        ), page
    past_the_end = client.get(SEARCH, {"q": "isfjell", "side": "7"})
    assert past_the_end.status_code == 200
    assert "Det er ikke flere treff" in page_text(past_the_end.content.decode())


@pytest.mark.django_db(transaction=True)
def test_search_survives_a_later_migration_that_rebuilds_the_table(client):
    """Bug prevented: a later migration altering the element table (SQLite copies the table and
    drops the old one, and its triggers with it) leaving search silently out of step."""
    call_command("load_strategy", "strategy", verbosity=0)
    old_field = StrategyElement._meta.get_field("title")
    new_field = copy.deepcopy(old_field)
    new_field.max_length = 600
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(StrategyElement, old_field, new_field)
        call_command("migrate", verbosity=0)  # what a deployment runs after the change
        add_element("T", Kind.STRATEGY, "T-S8", "Ved å planlegge kabelferger")
        assert result_codes(search(client, "kabelferger")) == ["T-S8"]
        assert "T-S2" in result_codes(search(client, "transportløsninger"))
        StrategyElement.objects.get(code="T-S8").delete()
        assert result_codes(search(client, "kabelferger")) == []
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(StrategyElement, new_field, old_field)
        call_command("migrate", verbosity=0)


# --- Compounds, synonyms, "Mente du …?", filters, the stemmer ---------------------------------


@pytest.fixture
def synonyms(strategy):
    """The starting synonym list, as the migration installs it (a flush by an earlier
    transactional test empties the table)."""
    install_starting_synonyms(SynonymGroup)


def hits_with_levels(query: str, **filters) -> list[tuple[str, int]]:
    results, _root = search_page(query, **filters)
    return [(hit.element.code, hit.element.level_found) for hit in results.hits]


def test_a_compound_typed_finds_its_parts(client, strategy):
    """Bug prevented: `kollektivtransport` giving 0 hits, so a caseworker concludes the strategy
    says nothing about public transport, though T-S3 is about «kollektivtilbudet»."""
    codes = result_codes(search(client, "kollektivtransport"))
    assert "T-S3" in codes  # «kollektivtilbudet», through the part "kollektiv"
    assert "T" in codes  # «transport», through the part "transport"


def test_a_part_typed_finds_the_compounds_of_the_strategy(client, strategy):
    """Bug prevented: `utslippene` missing «klimagassutslippene» (KM) and «klimagassutslipp»
    (KM-U1), because the word is inside the compound, not at its start."""
    codes = result_codes(search(client, "utslippene"))
    assert {"KM", "KM-U1"} <= set(codes)
    html = main_html(search(client, "utslippene").content.decode())
    assert "<mark>klimagassutslippene</mark>" in html


def test_compound_parts_rank_below_exact_matches(client, strategy):
    """Bug prevented: `næringstransport` ranking an element that merely mentions «næringslivets
    transportbehov» (B-U2, B-S1) above the theme «Grønn næringstransport» (TT2)."""
    found = hits_with_levels("næringstransport")
    codes = [code for code, _level in found]
    assert codes[:2] == ["TT2", "T"]  # the word itself (TT2 in its title, T in its body)
    assert {"B-U2", "T"} <= set(codes)  # «næringslivets transportbehov»
    assert dict(found)["B-U2"] == PART and dict(found)["TT2"] == EXACT
    assert codes.index("B-U2") > codes.index("T")


def test_parts_shorter_than_four_letters_do_not_count(client, strategy):
    """Bug prevented: "by" (2 letters) counting as a part, so that a search for an unknown
    compound starting with it lists every element about cities and regions."""
    from strategy.search.language import compound_parts

    assert compound_parts("byutviklingsplan") == ()  # "by" cannot be a part
    assert compound_parts("bussvei") == ()  # nor "vei" (3)
    assert compound_parts("kollektivtransport") == ("kollektiv", "transport")
    assert compound_parts("næringstransport") == ("næring", "transport")  # linking "s"
    assert compound_parts("klimagassutslippene") == ("klima", "gass", "utslippene")
    assert result_codes(search(client, "bybanekart")) == []


def test_exact_above_part_above_synonym(client, strategy, admin_client):
    """Bug prevented: a long title with a compound, or an element found through a synonym,
    outranking an element that has the very word typed (the title's weight alone would rank
    them above a body that says the word)."""
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å satse på sjøen", "Mer havvind i fjorden.")
    add_element("T", Kind.STRATEGY, "T-S9", "Ved å bygge havvindparker og havvindanlegg")
    add_element("T", Kind.STRATEGY, "T-S10", "Ved å bygge vindkraftverk til havs")
    response = admin_client.post(
        reverse("admin:strategy_synonymgroup_add"),
        {"words": "havvind", "finds": "vindkraft", "note": "Test"},
    )
    assert response.status_code == 302
    assert hits_with_levels("havvind") == [("T-S8", EXACT), ("T-S9", PART), ("T-S10", ALL)]
    assert result_codes(search(client, "havvind")) == ["T-S8", "T-S9", "T-S10"]
    # Real content: the focus area says «transport», T-U1 only «transportsystem», T-S3 only
    # «kollektivtilbudet» (a synonym of the starting list).
    install_starting_synonyms(SynonymGroup)
    levels = dict(hits_with_levels("transport"))
    assert (levels["T"], levels["T-U1"], levels["T-S3"]) == (EXACT, PART, ALL)
    order = [level for _code, level in hits_with_levels("transport")]
    assert order == sorted(order, reverse=True)


def test_everyday_words_find_the_strategys_words_through_synonyms(client, synonyms):
    """Bug prevented: `buss`, `tog`, `samferdsel` and `transport` each missing T-S3
    («kollektivtilbudet»), and the reader not told why an element without the word is there."""
    for query in ("buss", "tog", "t-bane", "bussen", "samferdsel", "transport"):
        response = search(client, query)
        assert "T-S3" in result_codes(response), query
        assert "Viser også treff for:" in page_text(main_html(response.content.decode())), query
    text = page_text(main_html(search(client, "buss").content.decode()))
    assert "Viser også treff for: kollektiv" in text
    samferdsel = result_codes(search(client, "samferdsel"))
    assert {"T", "T-U1"} <= set(samferdsel)  # «transport», «transportsystem»
    # Both ways: klimagass finds «utslipp» (TT2), utslipp finds «klimagass…» anyway.
    assert "TT2" in result_codes(search(client, "klimagass"))
    assert "Viser også treff for" not in page_text(search(client, "Oslofjorden").content.decode())


def test_a_synonym_group_edited_in_the_admin_counts_at_once_and_keeps_history(
    client, strategy, admin_client
):
    """Bug prevented: synonyms kept in code or cached in a process, so that the secretariat's
    change needs a deploy or shows up in one worker only; or a change without history."""
    assert result_codes(search(client, "ferjer")) == []
    add_url = reverse("admin:strategy_synonymgroup_add")
    response = admin_client.post(add_url, {"words": "ferjer, båter", "finds": "sjø"})
    assert response.status_code == 302
    group = SynonymGroup.objects.get(words="ferjer, båter")
    assert "T" in result_codes(search(client, "ferjer"))  # «gods på bane, sjø og vannveier»
    change_url = reverse("admin:strategy_synonymgroup_change", args=[group.pk])
    response = admin_client.post(change_url, {"words": "ferjer", "finds": "havnene"})
    assert response.status_code == 302
    assert "T" in result_codes(search(client, "ferjer"))  # «styrking av havnene»
    assert result_codes(search(client, "båter")) == []
    history = admin_client.get(reverse("admin:strategy_synonymgroup_history", args=[group.pk]))
    assert history.status_code == 200
    assert group.history.count() == 2
    assert [h.words for h in group.history.order_by("history_date")] == ["ferjer, båter", "ferjer"]
    response = admin_client.post(
        reverse("admin:strategy_synonymgroup_delete", args=[group.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert result_codes(search(client, "ferjer")) == []


@pytest.mark.parametrize(
    ("words", "finds", "message"),
    [
        ("", "kollektiv", "Skriv minst ett ord."),
        ("buss", "<script>", "«<script>» kan ikke brukes"),
        ("buss; DROP TABLE", "kollektiv", None),  # ";" separates: two harmless words
        ("og, i", "kollektiv", "Bare småord"),
        ("buss", "buss", "Gruppen gjør ingenting"),
        ("x" * 41, "kollektiv", "høyst 40 tegn"),
    ],
)
def test_a_bad_synonym_group_is_refused_in_norwegian(admin_client, strategy, words, finds, message):
    """Bug prevented: a synonym that breaks the database's query syntax, that does nothing, or
    a 500 for odd input in the admin."""
    before = SynonymGroup.objects.count()
    response = admin_client.post(
        reverse("admin:strategy_synonymgroup_add"), {"words": words, "finds": finds}
    )
    if message is None:
        assert response.status_code == 302
        assert SynonymGroup.objects.count() == before + 1
        assert search(admin_client, "drop").status_code == 200
    else:
        assert response.status_code == 200
        assert message in page_text(response.content.decode())
        assert SynonymGroup.objects.count() == before


def test_editors_may_keep_the_synonyms(client, strategy):
    """Bug prevented: only superusers able to maintain the list the secretariat owns."""
    from tests.admin_helpers import make_editor

    client.force_login(make_editor())
    response = client.post(
        reverse("admin:strategy_synonymgroup_add"), {"words": "ferje", "finds": "sjø"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:strategy_synonymgroup_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("transprot", "transport"),
        ("bærekarftig", "bærekraftig"),
        ("miljo", "miljø"),
        ("naering", "næring"),
        ("kompetamse", "kompetanse"),
    ],
)
def test_mente_du_suggests_the_strategys_own_word(client, strategy, typed, meant):
    """Bug prevented: a typo or a missing æøå ending in «Ingen treff» with nothing to go on."""
    response = search(client, f"grønn {typed}" if typed == "naering" else typed)
    html = main_html(response.content.decode())
    suggestion = re.search(r'<p class="search-suggestion">Mente du <a href="([^"]+)">', html)
    assert suggestion, page_text(html)
    assert f"Mente du {meant}" in page_text(html) or f"Mente du grønn {meant}" in page_text(html)
    followed = client.get(suggestion.group(1).replace("&amp;", "&"))
    assert followed.status_code == 200
    assert result_codes(followed), suggestion.group(1)  # the link runs the suggested search


def test_a_misspelling_the_stemmer_bridges_finds_the_word_directly(client, strategy):
    """Bug prevented: `bærekraftlig` finding nothing: its Snowball stem is that of
    «bærekraftig» (bærekraft), on SQLite as on PostgreSQL."""
    found = hits_with_levels("bærekraftlig")
    assert {"B-U1", "T-D", "V"} <= {code for code, level in found if level == EXACT}


def test_mente_du_is_not_offered_when_the_words_are_found_and_never_from_a_draft(client, strategy):
    """Bug prevented: a suggestion on every search, or one that leaks a word that only a draft
    contains (and leads to a page of no hits)."""
    for query in ("transport", "grønn næringstransport", "byene", "buss"):
        html = main_html(search(client, query).content.decode())
        assert "Mente du" not in html, query
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å planlegge kabelferger", is_published=False)
    html = main_html(search(client, "kabelfergrr").content.decode())
    assert "kabelferger" not in html
    StrategyElement.objects.filter(code="T-S8").update(is_published=True)
    assert "Mente du kabelferger" in page_text(
        main_html(search(client, "kabelfergrr").content.decode())
    )


SAME_ON_BOTH = {
    "bærekraften": {"B-U1", "T-D", "V", "I2", "B", "S1", "TT3"},
    "regionene": {"B-U2"},
    '"klima og miljø"': {"TT2"},
    "transportsystemet": {"T-U1", "T-D", "T-U2"},
    "buss": {"T-S3"},
    "kollektivtilbudet": {"T-S3"},
}


@pytest.mark.parametrize("query", SAME_ON_BOTH)
def test_the_two_databases_find_the_same_elements(client, synonyms, query):
    """Bug prevented: SQLite without a stemmer, where `bærekraften` does not find
    «bærekraftig» and `regionene` not «regioner», so development and production disagree.
    The same expectations run on both databases."""
    codes = set(result_codes(search(client, query)))
    if query in ('"klima og miljø"', "buss", "kollektivtilbudet"):
        assert codes == SAME_ON_BOTH[query]
    else:
        assert SAME_ON_BOTH[query] <= codes


def test_the_stemmer_of_both_databases_is_snowball_norwegian():
    """Bug prevented: SQLite's stems drifting from PostgreSQL's norwegian configuration."""
    from strategy.search.language import index_text, stem

    assert [stem(w) for w in ("bærekraften", "bærekraftig", "regionene", "regioner")] == [
        "bærekraft",
        "bærekraft",
        "region",
        "region",
    ]
    assert index_text("Klima og miljø") == "klim \ue000 miljø"


@pytest.mark.postgresql
def test_python_stems_every_word_of_the_strategy_as_postgresql_does(strategy):
    """Bug prevented: the Python stemmer (SQLite's index, every query text) and PostgreSQL's
    norwegian configuration giving different stems, so a word found on one is missed on the
    other."""
    from strategy.search.language import STOPWORDS, stem, words

    vocabulary = sorted(
        {w for e in StrategyElement.objects.all() for w in words(f"{e.title} {e.body}")}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('norwegian_stem', w) FROM unnest(%s::text[]) w", [vocabulary]
        )
        postgresql = dict(cursor.fetchall())
    assert len(vocabulary) > 500
    different = {
        w: (postgresql[w], stem(w))
        for w in vocabulary
        if w not in STOPWORDS and postgresql[w] != [stem(w)]
    }
    assert different == {}
    assert all(postgresql[w] == [] for w in vocabulary if w in STOPWORDS and w != "ei")
    # And every word of the Norwegian dictionary: the same Snowball version, not only the same
    # algorithm (Snowball 3 stems "tvers" 'tvers', PostgreSQL 15 'tver').
    from django.conf import settings

    dictionary = Path(settings.HUNSPELL_NB_DICTIONARY).with_suffix(".dic")
    lines = dictionary.read_text(encoding="latin-1").splitlines()[1:]
    all_words = sorted({w for line in lines if (w := line.split("/")[0].lower()).isalpha()})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('norwegian_stem', w) FROM unnest(%s::text[]) w", [all_words]
        )
        different = [w for w, lexemes in cursor.fetchall() if lexemes and lexemes != [stem(w)]]
    assert len(all_words) > 300_000
    assert different == []


def filter_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="search-filters".*?</nav>', html, re.S)
    assert nav, "ingen filtre"
    return {
        page_text(label): href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav.group())
    }


def test_filters_narrow_to_an_area_and_a_kind_with_counts(client, synonyms):
    """Bug prevented: a long list of hits across the whole strategy that cannot be narrowed to
    one focus area or to the strategies only, or filter counts that do not add up."""
    html = main_html(search(client, "transport").content.decode())
    links = filter_links(html)
    total = len(result_codes(search(client, "transport")))
    assert f"Alle ({total})" in links
    area_link = next(label for label in links if label.startswith("Transport og mobilitet ("))
    area_count = int(re.search(r"\((\d+)\)", area_link).group(1))
    response = client.get(links[area_link])
    codes = result_codes(response)
    assert len(codes) == area_count and all(c == "T" or c.startswith("T-") for c in codes)
    assert 'aria-current="true">Transport og mobilitet' in response.content.decode()
    # The kind filter keeps the area filter, and its counts are those of the area.
    kind_links = filter_links(main_html(response.content.decode()))
    strategy_label = next(label for label in kind_links if label.startswith("Strategi ("))
    narrowed = client.get(kind_links[strategy_label])
    narrowed_codes = result_codes(narrowed)
    assert narrowed_codes and all(re.fullmatch(r"T-S\d+", code) for code in narrowed_codes)
    assert len(narrowed_codes) == int(re.search(r"\((\d+)\)", strategy_label).group(1))
    assert (
        "omrade=T" in kind_links[strategy_label] and "type=strategy" in kind_links[strategy_label]
    )
    # Without JavaScript: plain links, no form needed.
    assert "<form" not in re.search(r'<nav class="search-filters".*?</nav>', html, re.S).group()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"omrade": "FINNES-IKKE"}, "Området «FINNES-IKKE» finnes ikke"),
        ({"omrade": "'; DROP TABLE x;--"}, "finnes ikke"),
        ({"type": "hemmelig"}, "Typen «hemmelig» finnes ikke"),
        ({"type": "\x00", "omrade": "🚆"}, "finnes ikke"),
    ],
)
def test_unknown_filters_show_everything_with_a_norwegian_message(
    client, strategy, params, message
):
    """Bug prevented: a hand-edited filter in the address giving a 500 or an empty page."""
    response = client.get(SEARCH, {"q": "transport", **params})
    assert response.status_code == 200
    text = page_text(main_html(response.content.decode()))
    assert message in text
    assert len(result_codes(response)) == len(result_codes(search(client, "transport")))


def test_filters_never_reveal_drafts(client, strategy):
    """Bug prevented: a focus area under a draft (or a draft area) offered as a filter."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    html = main_html(search(client, "transport").content.decode())
    assert "Transport og mobilitet" not in html
    response = client.get(SEARCH, {"q": "transport", "omrade": "T"})
    assert "finnes ikke" in page_text(main_html(response.content.decode()))


def test_results_page_queries_with_filters_synonyms_and_suggestions(
    client, synonyms, django_assert_num_queries
):
    """Bug prevented: the filters, their counts, the synonyms or "Mente du …?" costing a query
    each (or one per area)."""
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "transport og mobilitet", "omrade": "T"})
    assert result_codes(response)
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "grønn næringstransport", "type": "theme"})
    assert result_codes(response) == ["TT2"]
    # Few elements with the words as typed: one more query for "Mente du …?".
    with django_assert_num_queries(2):
        response = client.get(SEARCH, {"q": "grønn transprot"})
    assert "Mente du" in response.content.decode()
    # No element has the words as typed, but they are a compound and a synonym group's word:
    # nothing to correct, no query for it.
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "samferdsel kollektivtransport"})
    assert result_codes(response) and "Mente du" not in response.content.decode()


def test_filters_keep_the_query_count_on_a_large_tree(
    client, generated_tree, django_assert_num_queries
):
    """Bug prevented: filter counts per area growing with the tree (one query per area)."""
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "utfordring i", "omrade": "GEN-F3"})
    codes = result_codes(response)
    assert len(codes) == 20 and all(code.startswith("GEN-F3-") for code in codes)
    labels = filter_links(main_html(response.content.decode()))
    assert (
        len([label for label in labels if re.fullmatch(r"Innsatsområde \d+ – .* \(50\)", label)])
        == 20
    )
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "gjøre tiltak", "type": "strategy", "side": "2"})
    assert len(result_codes(response)) == 20


SUGGESTIONS = reverse("strategy:search-suggestions")


def test_titles_and_codes_are_suggested_as_you_type(client, strategy):
    """Bug prevented: no help while typing, or suggestions that are not the strategy's titles."""
    data = client.get(SUGGESTIONS, {"q": "tra"}).json()["forslag"]
    assert 0 < len(data) <= 8
    assert data[0]["kode"] == "T" and data[0]["tittel"] == "Transport og mobilitet"
    element = StrategyElement.objects.get(code="T")
    assert data[0]["adresse"] == element.get_absolute_url() and data[0]["type"] == "Innsatsområde"
    codes = [item["kode"] for item in client.get(SUGGESTIONS, {"q": "t-s"}).json()["forslag"]]
    assert codes[:3] == ["T-S1", "T-S2", "T-S3"]
    kollektiv = client.get(SUGGESTIONS, {"q": "styrke samarbeidet kollekt"}).json()["forslag"]
    assert [item["kode"] for item in kollektiv] == ["T-S3"]
    assert client.get(SUGGESTIONS, {"q": "t"}).json() == {"forslag": []}  # two letters first
    assert len(client.get(SUGGESTIONS, {"q": "utvikl"}).json()["forslag"]) == 8


def test_suggestions_as_you_type_never_show_drafts(client, strategy):
    """Bug prevented: the suggestions leaking the title of a draft or of what lies under one."""
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å planlegge kabelferger", is_published=False)
    assert client.get(SUGGESTIONS, {"q": "kabelf"}).json() == {"forslag": []}
    StrategyElement.objects.filter(code="T").update(is_published=False)
    assert client.get(SUGGESTIONS, {"q": "t-s"}).json() == {"forslag": []}


@pytest.mark.parametrize(
    "typed", ["", "   ", "'; DROP TABLE x;--", '"""', "🚆🚲", "\x00\x00", "a" * 5000, "og i", "*:"]
)
def test_suggestions_as_you_type_take_any_input(client, strategy, typed):
    """Bug prevented: a 500 from what a person (or a script) sends while typing."""
    response = client.get(SUGGESTIONS, {"q": typed})
    assert response.status_code == 200
    assert isinstance(response.json()["forslag"], list)


def test_suggestions_as_you_type_cost_one_query_and_are_cached(
    client, generated_tree, django_assert_num_queries
):
    """Bug prevented: a query per title, or the same prefix computed again on every keystroke
    of every reader."""
    # The content version (ETag and cache key) and the one query of the suggestions.
    with django_assert_num_queries(2):
        first = client.get(SUGGESTIONS, {"q": "tema 1"})
    assert len(first.json()["forslag"]) == 8
    with django_assert_num_queries(1):  # the content version only: the rest from the cache
        again = client.get(SUGGESTIONS, {"q": "tema 1"})
    assert again.json() == first.json()
    assert first["ETag"] and "max-age=0" in first["Cache-Control"]


def test_new_words_join_the_vocabulary_when_saved(client, strategy):
    """Bug prevented: "Mente du …?" and the compounds blind to text written after the
    migration."""
    from strategy.models import SearchWord

    assert not SearchWord.objects.filter(word="kabelfergene").exists()
    add_element("T", Kind.STRATEGY, "T-S8", "Ved å planlegge tunnelprosjektene")
    word = SearchWord.objects.get(word="tunnelprosjektene")
    assert (word.stem, word.folded, word.parts) == (
        "tunnelprosjekt",
        "tunnelprosjektene",
        " tunnel prosjekt ",
    )
    assert "T-S8" in result_codes(search(client, "prosjekter"))  # a part of the new compound
