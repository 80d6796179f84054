"""Norwegian words for search, the same on PostgreSQL and SQLite: words, the Snowball stemmer,
stop words, æøå folding and compound parts from a real dictionary.

- Stems: PyStemmer's Snowball ``norwegian`` algorithm, the one PostgreSQL's ``norwegian`` text
  search configuration uses (``tests/test_search.py`` checks that both give the same stem for
  every word of the strategy), so SQLite's index and every query are made of the same stems
  as PostgreSQL's ``search_vector``.
- Stop words: PostgreSQL's ``norwegian.stop`` (Snowball's list), which its configuration drops
  from the index, plus a few short words; the query and SQLite's index drop the same ones.
- Compound parts: Debian's ``hunspell-no`` dictionary (``nb_NO.dic``/``.aff``). A word splits
  into parts that the dictionary marks as allowed in compounds (its ``COMPOUNDFLAG``), each at
  least ``COMPOUNDMIN`` (4) letters, with a linking ``s`` or ``e`` allowed after a part
  ("nærings|transport"); the last part may be inflected ("klima|gass|utslippene").
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import Stemmer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..slugs import NORWEGIAN_LETTERS

WORD = re.compile(r"[^\W_]+")

# PostgreSQL's tsearch_data/norwegian.stop (Snowball's Norwegian stop words), and our own few.
SNOWBALL_STOPWORDS = frozenset(
    """
og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett
har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor
eller hva skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom noen noe ville
dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette disse
uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem vors hvis
både bare enn fordi før mange også slik vært båe begge siden dykk dykkar dei deira deires deim
di då eg ein eit eitt elles honom hjå ho hoe henne hennar hennes hoss hossen ingi inkje korleis
korso kva kvar kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko nokre
sia sidan so somt somme um upp vere vore verte vort varte vart
""".split()  # noqa: SIM905 - the list as PostgreSQL ships it
)
STOPWORDS = SNOWBALL_STOPWORDS | {"ei"}
# Where SQLite's index has a stop word: a private-use character, a token to FTS5 that no text
# contains, so that a phrase counts the words between as PostgreSQL's positions do
# ("klima og miljø" is 'klim' <2> 'miljø' there, "klim \ue000 miljø" here).
STOP_TOKEN = "\ue000"

# Compounds: Norwegian joins parts with an "s" or an "e" ("næringstransport", "gutteklubb").
LINKING_LETTERS = ("s", "e")
# Longer words are no compounds worth splitting (and cost more to try): hostile input.
MAX_COMPOUND_LENGTH = 40

_local = threading.local()


def words(text: str) -> list[str]:
    """The words of a text, lower case: runs of letters and digits."""
    return WORD.findall(text.lower())


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word ("bærekraftig" → "bærekraft")."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a PyStemmer object must not be shared between threads
        stemmer = _local.stemmer = Stemmer.Stemmer("norwegian")
    return stemmer.stemWord(word)


def fold(word: str) -> str:
    """æ, ø and å as people write them without a Norwegian keyboard: "miljø" → "miljo"."""
    return word.translate(NORWEGIAN_LETTERS)


def index_text(text: str) -> str:
    """What SQLite's index holds for a text: the stems of its words, stop words only as a
    place, as PostgreSQL's ``to_tsvector('norwegian', text)`` holds them."""
    return " ".join(STOP_TOKEN if word in STOPWORDS else stem(word) for word in words(text))


# --- Compounds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompoundDictionary:
    parts: frozenset[str]  # the words the dictionary allows in compounds (COMPOUNDFLAG)
    min_length: int  # COMPOUNDMIN: no part is shorter

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a compound ("kollektivtransport" → ("kollektiv", "transport")), or ()
        when the word is not one."""
        if len(word) > MAX_COMPOUND_LENGTH or not word.isalpha():
            return ()
        return self._split(word) or ()

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 - one dictionary per process
    def _split(self, word: str) -> tuple[str, ...] | None:
        # Longest first part first: "klimagass|…" before "klima|…" when both are words.
        for end in range(len(word) - self.min_length, self.min_length - 1, -1):
            head, rest = word[:end], word[end:]
            for part in (head, head[:-1] if head.endswith(LINKING_LETTERS) else ""):
                if len(part) < self.min_length or part not in self.parts:
                    continue
                tail = self._split(rest) or ((rest,) if self._is_last_part(rest) else None)
                if tail:
                    return (part, *tail)
        return None

    def _is_last_part(self, word: str) -> bool:
        """The last part may carry an ending: "utslippene" is a form of "utslipp"."""
        return word in self.parts or (
            len(stem(word)) >= self.min_length and stem(word) in self.parts
        )


def read_compound_dictionary(path: Path) -> CompoundDictionary:
    """Reads a hunspell dictionary (``path`` without .dic/.aff): its encoding, COMPOUNDFLAG and
    COMPOUNDMIN from the .aff file, and the words carrying that flag from the .dic file."""
    aff, dic = path.with_suffix(".aff"), path.with_suffix(".dic")
    if not aff.exists() or not dic.exists():
        raise ImproperlyConfigured(
            f"Den norske ordboken for sammensatte ord mangler ({dic}). Installer Debians "
            "hunspell-no (`apt-get install hunspell-no`; make test og .ci/run gjør det), eller "
            "sett HUNSPELL_NB_DICTIONARY til stien uten .dic/.aff."
        )
    encoding, flag, min_length = "utf-8", "", 3
    for line in aff.read_bytes().decode("latin-1").splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "SET":
            encoding = {"ISO8859-1": "latin-1"}.get(fields[1], fields[1])
        elif len(fields) >= 2 and fields[0] == "COMPOUNDFLAG":
            flag = fields[1]
        elif len(fields) >= 2 and fields[0] == "COMPOUNDMIN":
            min_length = int(fields[1])
    if not flag:
        raise ImproperlyConfigured(f"{aff} har ingen COMPOUNDFLAG: ingen sammensatte ord.")
    parts = set()
    with dic.open(encoding=encoding) as lines:
        next(lines)  # the number of entries
        for line in lines:
            word, _, flags = line.rstrip("\n").partition("/")
            if flag in flags and word.isalpha():
                parts.add(word.lower())
    return CompoundDictionary(frozenset(parts), min_length)


@functools.cache
def compound_dictionary() -> CompoundDictionary:
    """Read once per process (about 0.2 s), at the first search that needs it."""
    return read_compound_dictionary(Path(settings.HUNSPELL_NB_DICTIONARY))


def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a Norwegian compound, each of at least four letters; () for other words."""
    return compound_dictionary().split(word)
