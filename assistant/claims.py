"""What a sentence of a model's answer asserts, in forms that can be compared with its sources:
figures as values, the counts a source supports, polarity (negation and restriction), names.

Figures are values, not strings: « deux », « 2 », « 1er », « 18 000 » and « 18000 » compare
equal; a figure with a unit (%, €, millions) must appear with an equivalent unit. A count (« deux
EPT ») is supported when the sentence lists that many items itself, or a cited source lists that
many (a run of list lines, or an enumeration « A, B et C »).

French administrative text restricts rather than denies: these forms make a source a *restriction*,
from which « X ne peut pas… » may be true of what the source leaves out:

- « seul(e)s … peuvent / sont », « seul(e) … peut », « uniquement », « exclusivement »;
- « ne … que » (« ne peuvent candidater que les communes »);
- « sont exclu(e)s », « ne sont pas éligibles », « ne peuvent pas », « est réservé(e) à »;
- « à l'exclusion de », « sauf ».
"""

from __future__ import annotations

import re

from assistant.records import ACT_REF_RE, MONTHS
from assistant.text import CARDINALS, fold

_THOUSANDS_RE = re.compile(r"(?<=\d)[ \u00a0\u202f.](?=\d{3}(?!\d))")
_DIGITS_RE = re.compile(r"(?<![\w/])(\d+(?:,\d+)?)(?:\s*(?:er|ere|re|e|eme|nd|nde)\b)?")
_UNIT_RE = re.compile(r"(\d+(?:,\d+)?)\s*(%|€|euros?\b|k€|millions?\b|milliards?\b|pour ?cent\b)", re.IGNORECASE)
_WORD_NUMBER_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_ORDINALS = {"premier": 1, "premiere": 1, "second": 2, "seconde": 2, "deuxieme": 2, "troisieme": 3,
             "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9,
             "dixieme": 10, "douzieme": 12, "quinzieme": 15, "vingtieme": 20, "trentieme": 30}
_UNITS = {"%": "%", "pour cent": "%", "pourcent": "%", "€": "€", "euro": "€", "euros": "€", "k€": "k€",
          "million": "M", "millions": "M", "milliard": "G", "milliards": "G"}
RESTRICTION_RE = re.compile(
    r"\bseule?s?\b|\buniquement\b|\bexclusivement\b|\bn(?:e\b|')[^.;:]{0,80}?\bque?\b|\bexclue?s?\b|"
    r"\bne sont pas eligibles\b|\bn'est pas eligible\b|\bne (?:peu(?:t|vent)|sauraient?) pas\b|\breservee?s? a(?:ux)?\b|"
    r"\ba l'exclusion\b|\bsauf\b"
)
_LIST_LINE_RE = re.compile(r"^\s*(?:[-•*–▪◦]|\d{1,2}[.)]|[a-z][.)])\s+\S")


def french_number(word: str) -> int | None:
    """« vingt-six » → 26, « quatre-vingt-dix » → 90, « trois » → 3, « dix-septième » → None."""
    if word in _ORDINALS:
        return _ORDINALS[word]
    parts = [p for p in re.split(r"-|\bet\b", word) if p]
    values = [CARDINALS.get(p) for p in parts]
    if not values or any(v is None for v in values):
        return None
    total = 0
    for i, v in enumerate(values):
        if v == 20 and i > 0 and values[i - 1] == 4:  # quatre-vingt
            total += 80 - 4
        elif v in (100, 1000) and total:
            total *= v
        else:
            total += v
    return total


def _value(digits: str) -> float:
    return float(digits.replace(",", "."))


def figures(text: str) -> set[float]:
    """Every figure of ``text`` as a value: digits (thousands separators, decimals, ordinals) and
    French number words. Parts of references (« BM2025/06/24/12 ») count as their numbers."""
    return claimed_figures(text) | {float(n) for n in re.findall(r"\d+", _THOUSANDS_RE.sub("", text))}


def claimed_figures(text: str) -> set[float]:
    """The figures a sentence asserts (digits and number words; « un », « une » are articles)."""
    text = _THOUSANDS_RE.sub("", text)
    values = {_value(m.group(1)) for m in _DIGITS_RE.finditer(text)}
    for word in _WORD_NUMBER_RE.findall(fold(text)):
        value = french_number(word)
        if value is not None:
            values.add(float(value))
    return values


def units(text: str) -> set[tuple[float, str]]:
    """(value, unit) pairs: « 18 000 euros » and « 18 000 € » give the same pair."""
    text = _THOUSANDS_RE.sub("", text)
    return {(_value(n), _UNITS.get(fold(u).replace(" ", " "), fold(u))) for n, u in _UNIT_RE.findall(text)}


def list_counts(text: str) -> set[int]:
    """How many items ``text`` lists: each run of list lines, each enumeration « A, B et C »."""
    counts: set[int] = set()
    run = 0
    for line in text.split("\n"):
        if _LIST_LINE_RE.match(line):
            run += 1
            continue
        if run:
            counts.add(run)
        run = 0
    if run:
        counts.add(run)
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        tail = sentence.split(":", 1)[-1]
        items = [i for i in re.split(r",|\n|\bet\b|\bou\b", tail) if i.strip(" .;-•*")]
        if len(items) >= 2:
            counts.add(len(items))
    return counts


def restricts(text: str) -> bool:
    """Whether ``text`` is a restriction (see the module's list)."""
    return bool(RESTRICTION_RE.search(fold(text)))


_MONTHS_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(rf"\b(\d{{1,2}}|premier)(?:er)?\s+({_MONTHS_RE})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)


def dates(text: str) -> set[tuple[int, int, int | None]]:
    """Every (day, month, year) of ``text`` (« 1er avril 2026 », « 5 décembre »); a date given with
    its year also counts without it, so that « le 5 décembre » matches « le 5 décembre 2025 »."""
    found: set[tuple[int, int, int | None]] = set()
    for day, month, year in _DATE_RE.findall(text):
        d = 1 if fold(day) == "premier" else int(day)
        m = MONTHS[month.lower()]
        found.add((d, m, int(year) if year else None))
        found.add((d, m, None))
    for m in ACT_REF_RE.finditer(text):  # « BM2025/06/24/12 »: an act of the séance of 24 June 2025
        year, month, day = int(m.group(2)), int(m.group(3)), int(m.group(4))
        found |= {(day, month, year), (day, month, None)}
    return found
