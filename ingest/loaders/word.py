"""DOCX (python-docx): paragraphs, headings, numbered lists and tables in document order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.loaders.document import LoadedDocument, TextBuilder, clean_text, meaningful_title, render_table


# --------------------------------------------------------------------------------- DOCX
def load_docx(path: Path) -> LoadedDocument:
    import zipfile

    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise IngestError("ce n'est pas un document Word (archive ZIP sans word/document.xml)")
        document = docx.Document(str(path))
    except IngestError:
        raise
    except zipfile.BadZipFile as exc:
        raise IngestError("DOCX corrompu : ce n'est pas une archive Word valide") from exc
    except Exception as exc:
        raise IngestError(f"DOCX illisible ({type(exc).__name__})") from exc

    out = TextBuilder()
    lists = _DocxLists(document)
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[cell.text for cell in _unique_cells(row)] for row in item.rows]
            out.table(render_table(rows, header=_docx_header_row(item)))
            continue
        text = clean_text(item.text).strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        match = re.match(r"(?:Heading|Titre)\s*(\d)", style)
        if match or style in ("Title", "Titre"):
            out.heading(text, int(match.group(1)) if match else 1)
            continue
        out.add(lists.marker(item, style) + text)
    text = out.text
    if not text.strip():
        raise IngestError("document Word sans texte")
    properties = document.core_properties
    metadata: dict[str, Any] = {}
    if (properties.category or "").strip():
        metadata["type"] = properties.category.strip()  # the kind of document its author declared
    return LoadedDocument(
        text=text, format="docx", title=meaningful_title(properties.title), headings=out.headings,
        tables=out.tables, metadata=metadata,
    )


def _unique_cells(row) -> list:
    """A row's cells, a cell merged over several grid columns once per column it spans (python-docx
    repeats it; render_table drops the repeats)."""
    try:
        return list(row.cells)
    except (IndexError, ValueError):  # malformed grid: the cells the row itself declares
        from docx.table import _Cell

        return [_Cell(tc, row) for tc in row._tr.tc_lst]


def _docx_header_row(table) -> bool | None:
    """True when Word marks the first row as a header row (repeated on each page) or writes it all in
    bold; None: to be guessed from its text."""
    rows = table.rows
    if len(rows) < 2:
        return None
    tr = rows[0]._tr
    if tr.trPr is not None and tr.trPr.find(_w("tblHeader")) is not None:
        return True
    runs = [r for cell in _unique_cells(rows[0]) for p in cell.paragraphs for r in p.runs if r.text.strip()]
    if runs and all(r.bold for r in runs):
        return True
    return None


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


class _DocxLists:
    """Word list paragraphs carry their bullet or number in the numbering definitions, not in their
    text: « - » or « 1. », « a) » is written before them so that a list reads as a list."""

    _FORMATS = {"bullet": "-", "decimal": "{n}.", "lowerLetter": "{a})", "upperLetter": "{A})",
                "lowerRoman": "{i}.", "upperRoman": "{I}."}

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(_w("abstractNumId")): a for a in numbering.findall(_w("abstractNum"))}
        for num in numbering.findall(_w("num")):
            ref = num.find(_w("abstractNumId"))
            definition = abstract.get(ref.get(_w("val")) if ref is not None else None)
            if definition is None:
                continue
            for lvl in definition.findall(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                self.formats[(num.get(_w("numId")), lvl.get(_w("ilvl")))] = fmt.get(_w("val")) if fmt is not None else "decimal"

    def _num_pr(self, paragraph):
        p_pr = paragraph._p.pPr
        if p_pr is not None and p_pr.numPr is not None:
            return p_pr.numPr
        style = paragraph.style
        while style is not None:  # a list style (« List Bullet ») holds the numbering itself
            s_pr = style.element.pPr
            if s_pr is not None and s_pr.numPr is not None:
                return s_pr.numPr
            style = style.base_style
        return None

    def marker(self, paragraph, style: str) -> str:
        num_pr = self._num_pr(paragraph)
        num_id = num_pr.numId.val if num_pr is not None and num_pr.numId is not None else None
        if num_id is None or str(num_id) == "0":
            if re.search(r"bullet|puce", style, re.IGNORECASE):
                return "- "
            return ""
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        fmt = self.formats.get((str(num_id), str(level)))
        if fmt is None:
            fmt = "decimal" if re.search(r"number|num[ée]ro", style, re.IGNORECASE) else "bullet"
        pattern = self._FORMATS.get(fmt, "-")
        key = (str(num_id), level)
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        for deeper in [k for k in self.counters if k[0] == key[0] and k[1] > level]:
            del self.counters[deeper]  # a sub-list starts again under each item
        mark = pattern.format(n=n, a=_letters(n), A=_letters(n).upper(), i=_roman(n).lower(), I=_roman(n))
        return "  " * level + mark + " "


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(97 + rest) + out
    return out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out
