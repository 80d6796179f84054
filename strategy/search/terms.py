"""What a search asks for, before any database: the query parsed into terms, and each term as
the stems it matches, written in either database's query language.

The query a person types is parsed once, in Python, into words, "phrases" (also hyphenated
words: "t-bane"), ``-excluded`` words and ``or``/``eller`` alternatives (the syntax of
PostgreSQL's ``websearch_to_tsquery``). A term matches at three levels, ranked in this order:

1. exact: the forms of the word ("byene" → by, byen, byer …), stemmed with the Snowball stemmer
   (strategy/search/language.py), as whole words;
2. part: the word as the start of a compound ("transport" → "transportsystemet"), the parts of a
   compound typed ("kollektivtransport" → kollektiv…, transport…), and - looked up by the
   database in the strategy's own words - compounds that have the word as a part
   ("utslippene" → "klimagassutslippene");
3. synonym: the words the secretariat's synonym groups add ("buss" → kollektiv…).

Only stems (letters and digits) ever reach a query text, so quotes, operators, SQL or emoji
in the input cannot change or break it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .language import STOP_TOKEN, STOPWORDS, compound_parts, stem, words

TOKEN = re.compile(r'((?<!\S)-)?"([^"]*)"?|((?<!\S)-)?([^\W_]+(?:-[^\W_]+)*)')
OR_WORDS = frozenset({"or", "eller"})
# Bokmål noun and adjective endings, longest first, to find the other forms of a short word,
# which the Snowball stemmer leaves alone ("byene" → 'byen', "byer" → 'byer').
SUFFIXES = ("ene", "ane", "er", "en", "et", "ar", "a", "e")
INFLECTIONS = ("", "en", "et", "er", "ene", "a", "e")
# Snowball stems longer words well by itself.
SHORT_WORD = 7
# A word of at least four letters also matches as the start of a compound, and only parts of at
# least four letters count (the dictionary's COMPOUNDMIN).
MIN_PREFIX_LENGTH = 4


@dataclass(frozen=True)
class Pattern:
    """One thing a term matches: a stem (``prefix``: any word starting with it), or a phrase
    of stems with the distance of each from the one before (stop words leave gaps, as in
    PostgreSQL's index)."""

    stems: tuple[str, ...]
    prefix: bool = False
    gaps: tuple[int, ...] = ()

    def tsquery(self) -> str:
        """PostgreSQL's tsquery syntax (for ``to_tsquery('simple', …)``)."""
        if len(self.stems) == 1:
            return f"'{self.stems[0]}'" + (":*" if self.prefix else "")
        text = f"'{self.stems[0]}'"
        for gap, next_stem in zip(self.gaps, self.stems[1:], strict=True):
            text += (" <-> " if gap == 1 else f" <{gap}> ") + f"'{next_stem}'"
        return text

    def fts(self) -> str:
        """SQLite FTS5's syntax. Its index holds a place-holder for each stop word
        (strategy/search/language.py), so a phrase has one for each word skipped."""
        tokens = [self.stems[0]]
        for gap, next_stem in zip(self.gaps, self.stems[1:], strict=True):
            tokens += [STOP_TOKEN] * (gap - 1) + [next_stem]
        return '"' + " ".join(tokens) + '"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    phrase: bool = False

    @property
    def key(self) -> str:
        """How a synonym group recognises the term: the stems of its words ("bussen" → "buss")."""
        return synonym_key(" ".join(self.words))

    @property
    def word(self) -> str | None:
        """The single word of a term that is one."""
        return None if self.phrase else self.words[0]

    def exact(self) -> list[Pattern]:
        """The term's own forms as whole words."""
        if self.phrase:
            return [phrase_pattern(self.words)] if content_words(self.words) else []
        stems = dict.fromkeys(stem(form) for form in forms(self.words[0]) if form not in STOPWORDS)
        return [Pattern((item,)) for item in stems]

    def parts(self) -> list[Pattern]:
        """The start of a compound and, for a compound typed, its parts (each a prefix)."""
        word = self.word
        if word is None or len(word) < MIN_PREFIX_LENGTH:
            return []
        prefixes = [stem(word), *(stem(part) for part in compound_parts(word))]
        return [Pattern((item,), prefix=True) for item in dict.fromkeys(prefixes)]

    @property
    def part_of(self) -> str | None:
        """The stem the database looks for among the parts of the strategy's compounds."""
        word = self.word
        if word is None or len(stem(word)) < MIN_PREFIX_LENGTH:
            return None
        return stem(word)

    def without_covered(self, patterns: list[Pattern]) -> list[Pattern]:
        """Drops whole-word stems that a prefix of the same term already matches: PostgreSQL
        checks every alternative on every row, so each duplicate costs time."""
        prefixes = [p.stems[0] for p in patterns if p.prefix]
        return [
            pattern
            for pattern in patterns
            if pattern.prefix
            or len(pattern.stems) > 1
            or not any(pattern.stems[0].startswith(prefix) for prefix in prefixes)
        ]


@dataclass
class ParsedQuery:
    # Every clause must match; a clause matches when any of its terms does.
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


def content_words(items: tuple[str, ...] | list[str]) -> list[str]:
    return [word for word in items if word not in STOPWORDS]


def phrase_pattern(items: tuple[str, ...]) -> Pattern:
    positions = [index for index, word in enumerate(items) if word not in STOPWORDS]
    gaps = tuple(later - earlier for earlier, later in itertools.pairwise(positions))
    return Pattern(tuple(stem(items[index]) for index in positions), gaps=gaps)


def base_form(word: str) -> str:
    """Strips one inflectional ending, keeping at least two letters ("byene" → "by",
    "transporten" → "transport", "grønne" → "grønn")."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def forms(word: str) -> list[str]:
    """The word and, for a short one, the other forms of its base."""
    if len(word) >= SHORT_WORD:
        return [word]
    base = base_form(word)
    return list(dict.fromkeys([word, *(base + ending for ending in INFLECTIONS)]))


def synonym_key(text: str) -> str:
    return " ".join(stem(word) for word in content_words(words(text)))


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    join_with_previous = False
    for match in TOKEN.finditer(text):
        excluded = bool(match.group(1) or match.group(3))
        if match.group(2) is not None:  # a "phrase": its small words are part of it
            items = tuple(words(match.group(2)))
            phrase = True
        else:
            token = match.group(4).lower()
            if not excluded and token in OR_WORDS:
                join_with_previous = bool(parsed.clauses)
                continue
            items = tuple(words(token))
            phrase = len(items) > 1  # "t-bane"
            if not phrase:
                items = tuple(content_words(items))
        if not content_words(items):
            continue
        term = Term(items, phrase)
        if excluded:
            parsed.excluded.append(term)
        elif join_with_previous:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        join_with_previous = False
    return parsed


def target_patterns(entry: str) -> Pattern | None:
    """What a synonym group's word finds: a word (and compounds starting with it) or, for
    several words ("t-bane"), the phrase."""
    items = tuple(words(entry))
    if not content_words(items):
        return None
    if len(items) > 1:
        return phrase_pattern(items)
    return Pattern((stem(items[0]),), prefix=len(items[0]) >= MIN_PREFIX_LENGTH)
