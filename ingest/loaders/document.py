"""What every loader returns (text, pages, headings, tables) and what they share: text cleaning,
titles, tables rendered as text."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from assistant.text import plain_text

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\u00a0": " ", "\u202f": " "}


@dataclass
class Heading:
    start: int
    end: int
    level: int
    title: str


@dataclass
class TableSpan:
    """A table rendered as one line per row, each row repeating its column headers
    (« Critère : Pertinence du besoin ; Points : 30 »): ``rows`` are the rows' offsets in the text,
    so a chunk cut between two rows still reads row by row."""

    start: int
    end: int
    rows: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class LoadedDocument:
    """Text of a file. ``page_starts[i]`` is the offset where page i+1 begins (None: not paginated)."""

    text: str
    format: str
    title: str | None = None
    page_starts: list[int] | None = None
    headings: list[Heading] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    tables: list[TableSpan] = field(default_factory=list)

    @property
    def pages(self) -> int | None:
        return len(self.page_starts) if self.page_starts is not None else None

    def page_at(self, offset: int) -> int | None:
        if self.page_starts is None:
            return None
        # Binary search: a PDF of thousands of pages has thousands of chunks to place.
        return max(bisect.bisect_right(self.page_starts, offset), 1)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def clean_text(text: str) -> str:
    for src, dst in _LIGATURES.items():
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)  # NUL and other control characters: never part of a passage
    return re.sub(r"[ \t]+\n", "\n", text)


# ------------------------------------------------------------------------------- tables
_EMPTY_TITLE_RE = re.compile(
    r"^(?:untitled|sans titre|document\d*|titre|title|microsoft word\b.*|.*\.(?:docx?|odt|pdf|rtf|txt))$", re.IGNORECASE
)


def meaningful_title(value: object) -> str | None:
    """A title declared in a file's properties, unless it is a tool's placeholder (« Document1 »,
    « Microsoft Word - x.docx », a file name) or has no letter (a byte string, a number)."""
    text = re.sub(r"\s+", " ", plain_text(value)).strip()
    if not re.search(r"[^\W\d_]{2}", text):
        return None
    if not text or _EMPTY_TITLE_RE.match(text):
        return None
    return text


def _cell_text(text: str) -> str:
    return re.sub(r"\s+", " ", clean_text(text)).strip()


def _looks_like_header(cells: list[str]) -> bool:
    """Column headers are short labels; a first row that holds values (a figure in the second cell
    of a two-column table, a sentence, a « label : ») is data: the table is read as label / value."""
    filled = [c for c in cells if c]
    if not filled or any(len(c) > 60 or c.endswith((":", ".", ";")) for c in filled):
        return False
    if len(cells) == 2 and re.search(r"\d", cells[1]):
        return False
    return True


def render_table(rows: list[list[str]], *, header: bool | None = None) -> list[str]:
    """One line per row. With a header row, each cell is written « header : value » and the pairs
    are joined by « ; »; a two-column table without headers reads « label : value »; a row whose
    cells all hold the same text (a merged row) is that text once. ``header``: None guesses from the
    first row, True/False is what the file declares."""
    rows = [r for r in ([_cell_text(c) for c in row] for row in rows) if any(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if width == 1:
        return [r[0] for r in rows]
    if len(rows) == 1:
        return [" ; ".join(dict.fromkeys(c for c in rows[0] if c))]
    if header is None:
        header = _looks_like_header(rows[0])
    lines: list[str] = []
    if header:
        head, body = rows[0], rows[1:]
        for row in body:
            distinct = list(dict.fromkeys(c for c in row if c))
            if len(distinct) == 1 and sum(1 for c in row if c) > 1:
                lines.append(distinct[0])  # a merged row: a sub-title inside the table
                continue
            pairs: list[str] = []
            for name, value in zip(head, row):
                if not value:
                    continue
                pair = f"{name} : {value}" if name and name != value else value
                if not pairs or pairs[-1] != pair:  # horizontally merged cells repeat themselves
                    pairs.append(pair)
            if pairs:
                lines.append(" ; ".join(pairs))
        return lines
    for row in rows:
        cells = [c for i, c in enumerate(row) if c and (i == 0 or c != row[i - 1])]
        if width == 2 and len(cells) == 2:
            lines.append(f"{cells[0].rstrip(' :')} : {cells[1]}")
        else:
            lines.append(" ; ".join(cells))
    return lines


class TextBuilder:
    """Paragraphs joined by blank lines, with the offsets of headings and tables."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.headings: list[Heading] = []
        self.tables: list[TableSpan] = []
        self.offset = 0

    def add(self, text: str) -> tuple[int, int]:
        start = self.offset
        self.parts.append(text)
        self.offset += len(text) + 2
        return start, start + len(text)

    def heading(self, text: str, level: int) -> None:
        start, end = self.add(text)
        self.headings.append(Heading(start, end, level, text))

    def table(self, lines: list[str]) -> None:
        spans = [self.add(line) for line in lines if line]
        if spans:
            self.tables.append(TableSpan(spans[0][0], spans[-1][1], spans))

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)
