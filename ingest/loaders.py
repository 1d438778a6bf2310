"""Loaders: one per file format, each returning the text with its pages, headings and metadata.

A file that cannot be read raises :class:`IngestError` with a French reason that names the problem;
the pipeline reports it with the file name and goes on with the other files.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from assistant.text import plain_text
from ingest.encoding import decode_text
from ingest.errors import IngestError, UnsupportedFormat

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"}
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


class _TextBuilder:
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


# ---------------------------------------------------------------------------------- PDF
def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove headers/footers: first/last lines repeated (digits aside) on most pages."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {key(l) for l in lines[:2] + lines[-2:] if l.strip()}
        counts.update(edges)
    threshold = max(2, int(0.6 * len(pages) + 0.5))
    running = {k for k, n in counts.items() if n >= threshold}
    if not running:
        return pages
    out = []
    for lines in pages:
        head = 0
        while head < min(2, len(lines)) and key(lines[head]) in running:
            head += 1
        tail = len(lines)
        while tail > head and len(lines) - tail < 2 and key(lines[tail - 1]) in running:
            tail -= 1
        out.append(lines[head:tail])
    if not any(l.strip() for lines in out for l in lines):
        return pages  # every line looked like a header (a one-line-per-page register): keep the text
    return out


PageProgress = Callable[[int, int], None]
"""(pages done, pages in all): long PDFs report their extraction."""


def _pdf_reason(exc: Exception) -> str:
    """What is really wrong, in French, for an exception pypdf raised on a file or a page."""
    from pypdf.errors import DependencyError, DeprecationError, EmptyFileError, FileNotDecryptedError, PdfStreamError

    message = str(exc).lower()
    if isinstance(exc, DependencyError):
        if "jbig2" in message:
            return "image JBIG2 non prise en charge (décodeur jbig2dec absent) : fournissez une version texte du PDF"
        if "crypt" in message or "aes" in message:
            return "PDF chiffré : le module de déchiffrement (cryptography) manque"
        return "PDF qui demande un composant de lecture non installé"
    if isinstance(exc, DeprecationError):
        return "PDF qui utilise une fonction ou un filtre obsolète, non pris en charge par le lecteur"
    if isinstance(exc, FileNotDecryptedError):
        return "PDF protégé par un mot de passe : fournissez une version non chiffrée"
    if isinstance(exc, EmptyFileError):
        return "PDF vide"
    if isinstance(exc, PdfStreamError):
        return "PDF corrompu : flux de contenu illisible"
    if "crypt" in message:
        return "PDF chiffré : déchiffrement impossible"
    return f"PDF corrompu ou illisible ({type(exc).__name__})"


def _undecoded_share(text: str) -> float:
    visible = sum(1 for c in text if not c.isspace())
    return text.count("\ufffd") / visible if visible else 0.0


def _has_pdf_header(path: Path) -> bool:
    """« %PDF- » in the first megabyte: pypdf reads files with bytes before their header."""
    with path.open("rb") as fh:
        return b"%PDF-" in fh.read(1024 * 1024)


def load_pdf(path: Path, *, max_pages: int | None = None, progress: PageProgress | None = None) -> LoadedDocument:
    """Pages are counted before any text is extracted, so an over-long PDF costs nothing. A page
    that cannot be read is left out with a warning; the document fails only if no page reads."""
    from pypdf import PdfReader

    # pypdf logs what it repairs (« invalid pdf header », « incorrect startxref »): our warnings
    # and reasons say what matters to the user, the terminal stays clean.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not _has_pdf_header(path):
        raise IngestError("ce n'est pas un PDF (contenu binaire ou autre format sous l'extension .pdf)")
    warnings: list[str] = []
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            if not reader.decrypt(""):
                raise IngestError("PDF protégé par un mot de passe : fournissez une version non chiffrée")
            warnings.append("PDF chiffré sans mot de passe d'ouverture : déchiffré")
        count = len(reader.pages)
        if max_pages is not None and count > max_pages:
            raise IngestError(
                f"PDF trop long ({count} pages, limite {max_pages}) : découpez-le ou relevez MGP_MAX_PDF_PAGES"
            )
        raw_pages, page_errors = [], []
        for number, page in enumerate(reader.pages, start=1):
            try:
                page_text = page.extract_text() or ""
            except Exception as exc:  # pypdf raises many kinds on one broken page
                page_errors.append((number, _pdf_reason(exc)))
                page_text = ""
            if _undecoded_share(page_text) > 0.3:  # a font without a usable encoding: « ���� »
                page_errors.append((number, "police du PDF sans correspondance de caractères (texte non décodable)"))
                page_text = ""
            raw_pages.append(page_text)
            if progress is not None and (number % 50 == 0 or number == count):
                progress(number, count)
        info = reader.metadata or {}
        title = meaningful_title(info.get("/Title"))
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise IngestError(_pdf_reason(exc)) from exc
    if page_errors and not any(p.strip() for p in raw_pages):
        raise IngestError(page_errors[0][1] if len(page_errors) == len(raw_pages) else "aucun texte extractible")
    for number, reason in page_errors[:5]:
        warnings.append(f"page {number} illisible : {reason}")
    if len(page_errors) > 5:
        warnings.append(f"{len(page_errors) - 5} autre(s) page(s) illisible(s)")
    if not raw_pages:
        raise IngestError("PDF sans aucune page")
    if not any(p.strip() for p in raw_pages):
        raise IngestError(
            "aucun texte extractible (PDF scanné ?) : une reconnaissance de caractères (OCR) est nécessaire"
        )
    pages = _strip_running_lines([clean_text(p).split("\n") for p in raw_pages])
    text_parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    for lines in pages:
        page_text = "\n".join(lines).strip("\n")
        page_starts.append(offset)
        text_parts.append(page_text)
        offset += len(page_text) + 1  # pages are joined by one newline: paragraphs may span pages
    return LoadedDocument(
        text="\n".join(text_parts), format="pdf", title=title, page_starts=page_starts, warnings=warnings
    )


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

    out = _TextBuilder()
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


# ---------------------------------------------------------------------- Markdown / TXT
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _read_text_file(path: Path, declared: Callable[[bytes], str | None] | None = None) -> tuple[str, str]:
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\x00\xff\xfe\xef\xbb\xbf"):
        raise IngestError("fichier vide")
    text, encoding = decode_text(data, declared(data) if declared else None)
    return clean_text(text), encoding


def encoding_warnings(encoding: str) -> list[str]:
    """The warning that names the encoding a text was read in, when it is not UTF-8."""
    return [] if encoding in ("utf-8", "ascii") else [f"texte non UTF-8 : lu en {encoding}"]


def load_markdown(path: Path) -> LoadedDocument:
    text, encoding = _read_text_file(path)
    metadata: dict[str, Any] = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: « date: 2024-13-45 »
            raise IngestError(f"en-tête YAML invalide ({exc.__class__.__name__})") from exc
        if not isinstance(front, dict):
            raise IngestError("en-tête YAML invalide : un dictionnaire clé: valeur est attendu")
        metadata = {str(k): v for k, v in front.items()}
        text = text[match.end() :]
    if not text.strip():
        raise IngestError("document Markdown sans texte")
    text, tables = _markdown_tables(text)
    headings = [
        Heading(m.start(), m.end(), len(m.group(1)), m.group(2).strip()) for m in _MD_HEADING_RE.finditer(text)
    ]
    title = metadata.get("titre") or metadata.get("title")
    if encoding != "utf-8":
        metadata["encoding"] = encoding
    return LoadedDocument(
        text=text, format="markdown", title=meaningful_title(title), headings=headings, metadata=metadata,
        tables=tables, warnings=encoding_warnings(encoding),
    )


_MD_TABLE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _md_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)]


def _markdown_tables(text: str) -> tuple[str, list[TableSpan]]:
    """Pipe tables (a header line, a « |---|---| » line, rows) are rewritten one row per line, each
    row with its headers, like the tables of Word and HTML files; the rest of the text is unchanged."""
    lines = text.split("\n")
    if not any(_MD_TABLE_SEPARATOR_RE.match(l) and "-" in l for l in lines):
        return text, []
    out: list[str] = []
    tables: list[TableSpan] = []
    offset = 0
    i = 0

    def emit(line: str) -> int:
        nonlocal offset
        start = offset
        out.append(line)
        offset += len(line) + 1
        return start

    while i < len(lines):
        line = lines[i]
        if (
            "|" in line and i + 1 < len(lines) and _MD_TABLE_SEPARATOR_RE.match(lines[i + 1])
            and len(_md_cells(lines[i + 1])) == len(_md_cells(line))
        ):
            rows = [_md_cells(line)]
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(_md_cells(lines[j]))
                j += 1
            rendered = render_table(rows, header=True) if len(rows) > 1 else []
            if rendered:
                if out and out[-1].strip():
                    emit("")
                spans = []
                for k, row in enumerate(rendered):
                    if k:
                        emit("")
                    start = emit(row)
                    spans.append((start, start + len(row)))
                tables.append(TableSpan(spans[0][0], spans[-1][1], spans))
                if j < len(lines) and lines[j].strip():
                    emit("")
                i = j
                continue
        emit(line)
        i += 1
    return "\n".join(out), tables


def load_txt(path: Path) -> LoadedDocument:
    text, encoding = _read_text_file(path)
    return LoadedDocument(text=text, format="txt", metadata={"encoding": encoding}, warnings=encoding_warnings(encoding))


# --------------------------------------------------------------------------------- HTML
_BLOCK_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "caption"]


def _html_table_rows(table) -> tuple[list[list[str]], bool | None, str | None]:
    """Rows of cell texts (a cell spanning columns repeated), whether the first row is a header row
    (cells in <thead> or all <th>: True; a <th> only at the start of each row: the table is read
    label / value, False), and the caption."""
    rows: list[list[str]] = []
    kinds: list[list[str]] = []
    in_head: list[bool] = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a row of a table nested in a cell: read with its cell
        cells, names = [], []
        for cell in tr.find_all(["td", "th"], recursive=False):
            text = re.sub(r"\s+", " ", cell.get_text(" ", strip=True)).strip()
            try:
                span = max(1, min(int(cell.get("colspan", 1)), 50))
            except ValueError:
                span = 1
            cells += [text] * span
            names += [cell.name] * span
        if any(cells):
            rows.append(cells)
            kinds.append(names)
            in_head.append(tr.find_parent("thead") is not None)
    header: bool | None = None
    if rows:
        if in_head[0] or all(k == "th" for k in kinds[0]):
            header = True
        elif all(k and k[0] == "th" and "td" in k for k in kinds):
            header = False
    caption = table.find("caption")
    caption_text = re.sub(r"\s+", " ", caption.get_text(" ", strip=True)).strip() if caption else None
    return rows, header, caption_text or None


def load_html(path: Path) -> LoadedDocument:
    from bs4 import BeautifulSoup

    raw, encoding = _read_text_file(path, declared=_html_charset)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    body = soup.body or soup
    out = _TextBuilder()
    for element in body.find_all(_BLOCK_TAGS + ["table"]):
        if element.find_parent(_BLOCK_TAGS + ["table"]) is not None:
            continue
        if element.name == "table":
            rows, header, caption = _html_table_rows(element)
            if caption:
                out.add(caption)
            out.table(render_table(rows, header=header))
            continue
        text = re.sub(r"\s+", " ", element.get_text(" ", strip=True)).strip()
        if not text:
            continue
        if element.name and element.name[0] == "h" and element.name[1:].isdigit():
            out.heading(text, int(element.name[1:]))
            continue
        if element.name == "li":
            parent = element.find_parent(["ol", "ul"])
            if parent is not None and parent.name == "ol":
                text = f"{len(element.find_previous_siblings('li')) + 1}. {text}"
            else:
                text = f"- {text}"
        out.add(text)
    parts = out.parts
    if not parts:  # text outside block tags only
        out = _TextBuilder()
        for line in body.get_text("\n").split("\n"):
            if line.strip():
                out.add(line.strip())
    text = out.text
    if not text.strip():
        raise IngestError("page HTML sans texte")
    return LoadedDocument(
        text=text, format="html", title=title or None, headings=out.headings, tables=out.tables,
        metadata={"encoding": encoding}, warnings=encoding_warnings(encoding),
    )


_CHARSET_RE = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)


def _html_charset(data: bytes) -> str | None:
    """The charset a page declares in its first kilobytes (« <meta charset=iso-8859-1> »)."""
    m = _CHARSET_RE.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_txt,
    ".html": load_html,
    ".htm": load_html,
}


def megabytes(size: float) -> str:
    """« 0,2 », « 50 », « 1,5 » (Mo of 1024 × 1024 bytes, as MGP_MAX_FILE_MB counts them)."""
    value = size / (1024 * 1024)
    if 0 < value < 0.1:
        return "< 0,1"
    text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return text.removesuffix(".0").replace(".", ",")


def load_file(
    path: Path,
    max_bytes: int | None = None,
    *,
    max_pages: int | None = None,
    progress: PageProgress | None = None,
) -> LoadedDocument:
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise UnsupportedFormat(f"format non pris en charge ({suffix or 'sans extension'})")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("fichier vide (0 octet)")
    if max_bytes is not None and size > max_bytes:
        raise IngestError(f"fichier trop volumineux ({megabytes(size)} Mo, limite {megabytes(max_bytes)} Mo)")
    if loader is load_pdf:
        return load_pdf(path, max_pages=max_pages, progress=progress)
    return loader(path)
