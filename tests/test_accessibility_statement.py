"""The accessibility statement the regulation requires, linked from every page's footer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from tests.helpers import element_html, main_html, page_text

STATEMENT = reverse("strategy:accessibility-statement")


def test_statement_says_status_shortcomings_contact_complaint_and_date(client, strategy):
    """Bug prevented: a statement missing one of the parts the regulation asks for (status,
    known shortcomings, how to report a problem, the complaint route, its date)."""
    response = client.get(STATEMENT)
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(main_html(html)).replace("\xad", "")  # soft hyphens
    assert "Tilgjengelighetserklæring" in text
    assert "Status: i samsvar med kravene" in text
    assert "WCAG 2.1 på nivå A og AA" in text
    assert "Kjente mangler" in text
    assert "Sekretariatets e-postadresse: post@osloregionen.no" in text
    assert 'href="mailto:post@osloregionen.no"' in html
    assert "Tilsynet for universell utforming av ikt (Uutilsynet)" in text
    assert 'href="https://www.uutilsynet.no/"' in html
    assert '<time datetime="2026-11-26">26. november 2026</time>' in html


def test_every_page_links_to_the_statement_from_its_footer(client, strategy):
    """Bug prevented: a statement nobody finds because only some pages link to it."""
    element = StrategyElement.objects.get(code="T-S2")
    for url in ("/", reverse("strategy:whole-strategy"), element.get_absolute_url(), "/x/"):
        html = client.get(url).content.decode()
        footer = element_html(html, "footer")
        assert f'<a href="{STATEMENT}">Tilgjengelighetserklæring</a>' in footer, url


def test_statement_runs_a_fixed_number_of_queries(client, strategy, django_assert_num_queries):
    """Bug prevented: the header menu of the statement page querying once per section."""
    with django_assert_num_queries(2):
        response = client.get(STATEMENT)
    assert response.status_code == 200


def test_statement_works_without_a_published_strategy(client, db):
    """Bug prevented: a 500 on the statement before the strategy is loaded or published."""
    response = client.get(STATEMENT)
    assert response.status_code == 200
    assert "Hopp til hovedinnhold" in response.content.decode()


def test_an_element_cannot_take_the_statement_address(strategy):
    """Bug prevented: a part called «Tilgjengelighet» hiding the statement at /tilgjengelighet/
    (or the statement hiding it)."""
    root = StrategyElement.objects.get(code="OR")
    element = StrategyElement(parent=root, kind=Kind.SECTION, code="X", title="Tilgjengelighet")
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "reservert" in str(error.value)
