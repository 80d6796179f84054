"""Search: the header form, the results page, reference codes, drafts, bad input, query counts;
compounds, synonyms, "Mente du …?", filters, the Snowball stemmer on both databases, and the
suggestions as you type (their browser side: tests/test_search_browser.py)."""

import copy
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from strategy.models import Kind, StrategyElement, SynonymGroup
from strategy.search import (
    ALL,
    EXACT,
    MAX_QUERY_LENGTH,
    PART,
    START_MARK,
    STOP_MARK,
    clean_query,
    fts_match_sql,
    highlighted,
    parse_query,
    search_page,
    tsquery_sql,
)
from strategy.search_models import install_starting_synonyms
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
        assert f'<form class="site-search" role="search" action="{SEARCH}" method="get">' in header
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
    parsed = parse_query('"grønn næringstransport" or sykkel -gods \'; DROP " \'x\' :*')
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
    elements (the triggers of search_schema.py)."""
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
    call_command("loaddata", "strategy", verbosity=0)
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
