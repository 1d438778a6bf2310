"""Finds a model's quotation in a source the way a careful reader accepts it, and returns the
source's own text.

Real models copy quotations with small liberties: a lowercased first letter (« ne sont pas
éligibles » for « Ne sont pas éligibles »), a typographic apostrophe or other quotation marks, a line
break or a line-end hyphen of the PDF lost, an ellipsis standing for words left out (« les dossiers
sont transmis […] à l'adresse indiquée »). :func:`match_quote` finds such a quotation — each piece
between ellipses verbatim after this normalisation, the pieces in order and close together — and
returns where it lies in the source, so that what the user reads is always the source's exact text.
Words changed, added or reordered are not found. Written here because no library does this
normalisation with a map back to the original offsets (``difflib`` would accept changed words).
"""

from __future__ import annotations

import re

_EQUIVALENT = str.maketrans({
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "–": "-", "—": "-", "‑": "-",
})
_ELLIPSIS_RE = re.compile(r"\s*(?:[\[(]\s*(?:…|\.\.\.)\s*[\])]|…|\.\.\.)\s*")
_EDGE = " \t\n.,;:!?\"'()"
MAX_GAP = 600
"""Characters of the source an ellipsis may stand for."""


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` lowercased, with equivalent characters unified, whitespace runs as one space and a
    word cut by a line-end hyphen joined; and, for each character kept, its offset in ``text``."""
    out: list[str] = []
    where: list[int] = []
    source = text.translate(_EQUIVALENT)
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "-" and i > 0 and source[i - 1].isalpha():
            m = re.match(r"-[ \t]*\n[ \t]*(?=[a-zà-ÿ])", source[i:])
            if m:  # « candi-\ndature » → « candidature »
                i += m.end()
                continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            i += 1
            continue
        out.append(ch.lower())
        where.append(i)
        i += 1
    return "".join(out), where


def quote_pieces(quote: str) -> list[str]:
    """The parts of a quotation between its ellipses, normalised, without edge punctuation."""
    pieces = []
    for piece in _ELLIPSIS_RE.split(quote):
        piece = normalised(piece)[0].strip(_EDGE)
        if piece:
            pieces.append(piece)
    return pieces


def match_quote(quote: str, source: str) -> tuple[int, int] | None:
    """Where ``quote`` lies in ``source`` (first piece's start to last piece's end), or None."""
    pieces = quote_pieces(quote)
    if not pieces:
        return None
    text, where = normalised(source)
    start = 0
    while True:
        first = _find_word(text, pieces[0], start)
        if first < 0:
            return None
        end = _rest(text, pieces[1:], first + len(pieces[0]))
        if end is not None:
            return where[first], where[end - 1] + 1
        start = first + 1


def _rest(text: str, pieces: list[str], after: int) -> int | None:
    """The end of the last of ``pieces`` found in order after ``after``, each within MAX_GAP."""
    end = after
    for piece in pieces:
        found = _find_word(text, piece, end, end + MAX_GAP + len(piece))
        if found < 0:
            return None
        end = found + len(piece)
    return end


def _find_word(text: str, piece: str, start: int, stop: int | None = None) -> int:
    """``text.find(piece)`` at word boundaries (a piece never starts or ends inside a word)."""
    while True:
        found = text.find(piece, start, stop)
        if found < 0:
            return -1
        before = text[found - 1] if found else " "
        after = text[found + len(piece)] if found + len(piece) < len(text) else " "
        if not (before.isalnum() and piece[0].isalnum()) and not (after.isalnum() and piece[-1].isalnum()):
            return found
        start = found + 1
