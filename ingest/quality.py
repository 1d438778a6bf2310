"""Whether a file's text is written prose or machine output (a memory dump, a server log, base64):
the latter turns into thousands of passages nobody can read, and takes minutes to embed.

The measure is the share of characters that belong to words or figures: tokens made of letters (any
script, with inner apostrophes or hyphens, punctuation around them) at most 40 letters long, runs of
a script written without spaces (Chinese, Japanese, Thai), and figures (« 12 500,00 », « 3,5 % »,
« 24/06/2025 ») — a table of accounts is a document. Tokens of punctuation alone (dot leaders of a
form, table rules) count for nothing either way. Only long texts are judged. Thresholds are measured
on the real and synthetic corpora (see tests/test_odd_files.py): every real document scores well
above it.
"""

from __future__ import annotations

import re
import unicodedata

MIN_CHARACTERS = 20_000  # shorter texts are not judged: a few pages of anything are harmless
# Measured: the 10 real and evaluation documents 0.86–1.0, a server log 0.10, a hexadecimal dump or
# base64 0.0; a table of figures
# (a budget annex, a CSV of accounts) and a blank form with dot leaders stay above it.
MIN_WORD_SHARE = 0.2

_WORD_RE = re.compile(r"^[\W_]*[^\W\d_]{1,40}(?:['’\-][^\W\d_]{1,40})*[\W_]*$")
_FIGURE_RE = re.compile(r"^[(\-+]?[\d][\d .,:/\-]{0,18}[)%€$]?[.,;:)]*$")
_PUNCTUATION_RE = re.compile(r"^[\W_]+$")
_SPLIT_RE = re.compile(r"[\s;|]+")


def _unspaced_script(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return False
    names = sum(1 for c in letters if unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI", "HANGUL")))
    return names / len(letters) >= 0.5


def word_share(text: str) -> float:
    """Share of non-space characters inside word-like tokens (1.0 for prose, near 0 for a dump)."""
    total = words = 0
    for token in _SPLIT_RE.split(text):
        if not token or _PUNCTUATION_RE.match(token):
            continue
        total += len(token)
        if _WORD_RE.match(token) or _FIGURE_RE.match(token) or _unspaced_script(token):
            words += len(token)
    return words / total if total else 0.0


def machine_text_reason(text: str) -> str | None:
    """A French reason when the text is machine output rather than prose, else None."""
    characters = sum(1 for c in text if not c.isspace())
    if characters < MIN_CHARACTERS:
        return None
    share = word_share(text)
    if share >= MIN_WORD_SHARE:
        return None
    return (f"contenu non rédigé (vidage, journal ou données brutes ?) : {round(share * 100)} % seulement des "
            "caractères forment des mots")
