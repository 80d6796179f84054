"""The tables search reads besides the elements: the strategy's own words (for "Mente du …?" and
for compounds that contain a word typed) and the secretariat's synonym groups.

Both are read inside the results page's single statement, never cached in a process: a synonym
group saved in the admin counts from the next search on, in every worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from ..search.language import compound_parts, fold, stem, words
from ..search.terms import synonym_key, target_patterns

MAX_WORD_LENGTH = 100


def word_row(word: str) -> dict[str, str]:
    """A word as the vocabulary stores it: its æøå-less form for "Mente du …?", its stem, and
    the stems of its compound parts between spaces (" klim gass utslipp "), so that SQL finds
    a part with ``LIKE '% utslipp %'`` on both databases."""
    parts = [stem(part) for part in compound_parts(word)]
    return {
        "word": word,
        "folded": fold(word),
        "stem": stem(word),
        "parts": f" {' '.join(parts)} " if parts else "",
    }


class SearchWordQuerySet(models.QuerySet):
    def add_words_of(self, texts: Iterable[str]) -> None:
        """Adds the words of these texts that are not there yet (one query). Words are never
        removed here: search checks that a word still occurs in public content before it
        suggests it, and ``rebuild`` drops the ones no longer used."""
        found = {word for text in texts for word in words(text) if len(word) <= MAX_WORD_LENGTH}
        self.bulk_create(
            [SearchWord(**word_row(word)) for word in sorted(found)],
            ignore_conflicts=True,
            batch_size=500,
        )

    def rebuild(self, texts: Iterable[str]) -> int:
        """The vocabulary from scratch, from these texts (all elements' titles and bodies; see
        ``search.rebuild_vocabulary``). Returns the number of words."""
        with transaction.atomic():
            self.all().delete()
            self.add_words_of(texts)
        return self.count()


class SearchWord(models.Model):
    """One word of the strategy's text (any element, drafts included: search filters)."""

    word = models.CharField("ord", max_length=MAX_WORD_LENGTH, unique=True)
    folded = models.CharField("uten æøå", max_length=2 * MAX_WORD_LENGTH)
    stem = models.CharField("stamme", max_length=MAX_WORD_LENGTH)
    parts = models.CharField("deler (stammer)", max_length=4 * MAX_WORD_LENGTH, blank=True)

    objects = SearchWordQuerySet.as_manager()

    class Meta:
        verbose_name = "ord i strategien"
        verbose_name_plural = "ord i strategien"

    def __str__(self) -> str:
        return self.word


# --- Synonyms -------------------------------------------------------------------------------

ENTRY = re.compile(r"[^\W_]+(?:[ -][^\W_]+)*")
MAX_ENTRY_LENGTH = 40


def entries(text: str) -> list[str]:
    """The words of a synonym field: separated by commas or lines, lower case, in order."""
    found = (" ".join(item.split()).lower() for item in re.split(r"[,\n;]", text))
    return list(dict.fromkeys(item for item in found if item))


def synonym_links(
    search_words: list[str], finds: list[str], mutual: bool
) -> list[tuple[str, str, str, str]]:
    """(key, word found, its tsquery, its FTS5 query) for every "searching X also finds Y" of
    a group. One way: each search word finds each word in ``finds``; both ways: every word finds
    every other."""
    if mutual:
        everything = list(dict.fromkeys([*search_words, *finds]))
        pairs = [(source, target) for source in everything for target in everything]
    else:
        pairs = [(source, target) for source in search_words for target in finds]
    links = {}
    for source, target in pairs:
        key, pattern = synonym_key(source), target_patterns(target)
        if not key or pattern is None or key == synonym_key(target):
            continue
        links[(key, target)] = (key, target, pattern.tsquery(), pattern.fts())
    return list(links.values())


class SynonymGroup(models.Model):
    """Words people search with, and the strategy's words such a search should also find."""

    words = models.TextField(
        "søkeord",
        help_text="Ord folk søker med, skilt med komma, f.eks. «buss, tog, t-bane». Bøyde "
        "former teller med («bussen»).",
    )
    finds = models.TextField(
        "finner også",
        help_text="Ord fra strategien som et søk på søkeordene også skal finne, skilt med komma, "
        "f.eks. «kollektiv». Sammensatte ord som begynner med ordet teller med "
        "(«kollektivtilbudet»).",
    )
    mutual = models.BooleanField(
        "begge veier",
        default=False,
        help_text="Kryss av når ordene betyr omtrent det samme: da finner hvert ord i begge "
        "feltene alle de andre (f.eks. «klimagass» og «utslipp»).",
    )
    note = models.CharField(
        "begrunnelse",
        max_length=300,
        blank=True,
        help_text="Hvorfor gruppen finnes, f.eks. hvilke elementer den skal gjøre lettere å finne.",
    )

    history = HistoricalRecords(verbose_name="historikk")

    class Meta:
        verbose_name = "synonymgruppe"
        verbose_name_plural = "synonymgrupper"
        ordering = ["words"]

    def __str__(self) -> str:
        arrow = "↔" if self.mutual else "→"
        return f"{', '.join(entries(self.words))} {arrow} {', '.join(entries(self.finds))}"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.rebuild_links()

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in ("words", "finds"):
            items = entries(getattr(self, name) or "")
            if not items:
                errors[name] = "Skriv minst ett ord."
                continue
            wrong = [
                item for item in items if not ENTRY.fullmatch(item) or len(item) > MAX_ENTRY_LENGTH
            ]
            if wrong:
                errors[name] = (
                    f"«{wrong[0]}» kan ikke brukes: skriv ord med bokstaver og sifre (bindestrek "
                    f"og mellomrom går an, som i «t-bane»), høyst {MAX_ENTRY_LENGTH} tegn, skilt "
                    "med komma."
                )
            elif all(target_patterns(item) is None for item in items):
                errors[name] = "Bare småord («og», «i» …) kan ikke søkes på. Skriv et ord til."
            else:
                setattr(self, name, ", ".join(items))
        if not errors and not self.links():
            errors["finds"] = (
                "Gruppen gjør ingenting: «finner også» må ha andre ord enn søkeordene."
            )
        if errors:
            raise ValidationError(errors)

    def links(self) -> list[tuple[str, str, str, str]]:
        return synonym_links(entries(self.words), entries(self.finds), self.mutual)

    def rebuild_links(self) -> None:
        """The rows search reads (``SynonymLink``), made again from the group's words."""
        self.synonym_links.all().delete()
        SynonymLink.objects.bulk_create(
            SynonymLink(group=self, key=key, word=word, tsquery=tsquery, fts=fts)
            for key, word, tsquery, fts in self.links()
        )


class SynonymLink(models.Model):
    """ "Searching ``key`` also finds ``word``": a group's words as search reads them, kept in
    step by ``SynonymGroup.save`` (and deleted with the group)."""

    group = models.ForeignKey(SynonymGroup, on_delete=models.CASCADE, related_name="synonym_links")
    key = models.CharField("søkeordets stammer", max_length=200, db_index=True)
    word = models.CharField("finner også", max_length=MAX_ENTRY_LENGTH)
    tsquery = models.CharField("tsquery (PostgreSQL)", max_length=200)
    fts = models.CharField("FTS5-søk (SQLite)", max_length=200)

    class Meta:
        verbose_name = "synonym"
        verbose_name_plural = "synonymer"

    def __str__(self) -> str:
        return f"{self.key} → {self.word}"


# The starting list (README: «Synonymer»): everyday words for what the strategy says in its own
# words, each checked against the strategy's text. (søkeord, finner også, begge veier, begrunnelse)
STARTING_SYNONYMS = [
    (
        "buss, tog, t-bane, bane, trikk",
        "kollektiv",
        False,
        "Strategien sier «kollektivtilbudet» (T-S3), aldri buss, tog eller t-bane.",
    ),
    (
        "transport",
        "kollektiv",
        False,
        "Kollektivtilbudet (T-S3) er transport, men strategien bruker ikke ordet der.",
    ),
    (
        "samferdsel",
        "transport, mobilitet, kollektiv",
        False,
        "Forvaltningens ord; innsatsområdet heter «Transport og mobilitet».",
    ),
    (
        "klimagass",
        "utslipp",
        True,
        "Strategien veksler mellom «klimagassutslipp» (KM-U1) og «utslipp» (M1, TT2).",
    ),
    (
        "sykling, syklist, sykkelvei",
        "sykkel",
        False,
        "T-S3 sier «sykkel og gange».",
    ),
    (
        "gjenbruk, ombruk, resirkulering, avfall",
        "sirkulær",
        False,
        "Tverrgående tema «Sirkulærøkonomi» (TT1); ordene selv står ikke i strategien.",
    ),
    (
        "strøm, elektrisitet, fornybar",
        "kraft, energi",
        False,
        "Strategien sier «kraftproduksjon», «kraftunderskudd» og «energi».",
    ),
    (
        "bedrift, firma",
        "næringsliv",
        False,
        "Strategien sier oftest «næringslivet» (K-U2, TT1, TT4).",
    ),
    (
        "jobb, jobber",
        "arbeidsplass, arbeidskraft",
        False,
        "Strategien sier «arbeidsplasser» og «arbeidskraft» (K-U2).",
    ),
]


def install_starting_synonyms(group_model: type[models.Model]) -> int:
    """Creates the starting groups that are not there yet (also from a migration, with its
    historical models: the links are written here, not by ``save``)."""
    link_model = group_model._meta.get_field("synonym_links").related_model
    created = 0
    for search_words, finds, mutual, note in STARTING_SYNONYMS:
        group, was_created = group_model.objects.get_or_create(
            words=search_words, finds=finds, mutual=mutual, defaults={"note": note}
        )
        if was_created:
            created += 1
            link_model.objects.bulk_create(
                link_model(group=group, key=key, word=word, tsquery=tsquery, fts=fts)
                for key, word, tsquery, fts in synonym_links(
                    entries(search_words), entries(finds), mutual
                )
            )
    return created
