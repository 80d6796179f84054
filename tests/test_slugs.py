import pytest
from django.urls import reverse

from strategy.models import StrategyElement
from strategy.slugs import norwegian_slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Klima, miljø og natur", "klima-miljo-og-natur"),
        ("Sirkulærøkonomi", "sirkulaerokonomi"),
        ("Tverrgående temaer", "tverrgaende-temaer"),
        ("ÆØÅ æøå", "aeoa-aeoa"),
        (
            "Miljøtilstanden i Oslofjorden, vann og vassdrag",
            "miljotilstanden-i-oslofjorden-vann-og-vassdrag",
        ),
    ],
)
def test_norwegian_letters_are_transliterated(title, slug):
    """Bug prevented: Django's slugify dropping æ/ø/å ("milj" for "miljø")."""
    assert norwegian_slugify(title) == slug


def test_long_titles_are_cut_at_a_word_boundary():
    """Bug prevented: unreadable URLs of a whole sentence, or a word cut in half."""
    slug = norwegian_slugify(
        "Ved å styrke samarbeidet mellom forvaltningsnivåer for å forbedre "
        "kollektivtilbudet og fremme økt bruk av sykkel og gange"
    )
    assert len(slug) <= 60
    assert slug == "ved-a-styrke-samarbeidet-mellom-forvaltningsnivaer-for-a"


def test_focus_area_url_keeps_every_letter(client, strategy):
    """Bug prevented: /innsatsomrader/klima-milj-og-natur/ (letters dropped)."""
    element = StrategyElement.objects.get(title="Klima, miljø og natur")
    url = element.get_absolute_url()
    assert url == reverse("strategy:element", args=["innsatsomrader/klima-miljo-og-natur"])
    assert url == "/innsatsomrader/klima-miljo-og-natur/"
    assert client.get(url).status_code == 200


def test_every_slug_is_the_transliterated_title(strategy):
    """Bug prevented: a slug with a dropped letter anywhere in the tree."""
    for element in StrategyElement.objects.exclude(parent=None).exclude(code="IO"):
        assert element.slug == norwegian_slugify(element.title or element.display_title)
        assert element.path.isascii()


def test_a_dash_of_printed_text_separates_words():
    """Bug prevented: «2025–2028» in a title becoming «20252028» in its slug or file name."""
    assert norwegian_slugify("Strategiske føringer 2025–2028") == "strategiske-foringer-2025-2028"
    assert norwegian_slugify("Mål — og midler") == "mal-og-midler"
