"""Loaders: one per file format, each returning the text with its pages, headings and metadata.

A file that cannot be read raises :class:`IngestError` with a French reason that names the problem;
the pipeline reports it with the file name and goes on with the other files.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"}
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\u00a0": " ", "\u202f": " "}


class IngestError(Exception):
    """A file that cannot be ingested; ``reason`` is a French sentence shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedFormat(IngestError):
    """The format is unknown: the file is skipped, not guessed."""


@dataclass
class Heading:
    start: int
    end: int
    level: int
    title: str


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

    @property
    def pages(self) -> int | None:
        return len(self.page_starts) if self.page_starts is not None else None

    def page_at(self, offset: int) -> int | None:
        if self.page_starts is None:
            return None
        # Binary search: a PDF of thousands of pages has thousands of chunks to place.
        return max(bisect.bisect_right(self.page_starts, offset), 1)


def clean_text(text: str) -> str:
    for src, dst in _LIGATURES.items():
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[ \t]+\n", "\n", text)


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 first (BOM allowed); then the declared fallback CP1252, then Latin-1 (never fails)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("contenu binaire : ce n'est pas un fichier texte")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise IngestError("encodage de texte non reconnu")  # pragma: no cover - latin-1 always decodes


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


def load_pdf(path: Path, *, max_pages: int | None = None, progress: PageProgress | None = None) -> LoadedDocument:
    """Pages are counted before any text is extracted, so an over-long PDF costs nothing."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
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
        raw_pages = []
        for number, page in enumerate(reader.pages, start=1):
            raw_pages.append(page.extract_text() or "")
            if progress is not None and (number % 50 == 0 or number == count):
                progress(number, count)
        info = reader.metadata or {}
        title = (info.get("/Title") or "").strip() or None
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        raise IngestError(f"PDF corrompu ou illisible ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files
        if "crypt" in str(exc).lower():
            raise IngestError("PDF chiffré : déchiffrement impossible") from exc
        raise IngestError(f"PDF corrompu ou illisible ({type(exc).__name__})") from exc
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

    parts: list[str] = []
    headings: list[Heading] = []
    offset = 0

    def add(text: str) -> tuple[int, int]:
        nonlocal offset
        start = offset
        parts.append(text)
        offset += len(text) + 2
        return start, start + len(text)

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                row_text = " | ".join(dict.fromkeys(c for c in cells if c))
                if row_text:
                    add(clean_text(row_text))
            continue
        text = clean_text(item.text).strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        match = re.match(r"(?:Heading|Titre)\s*(\d)", style)
        start, end = add(text)
        if match or style == "Title":
            level = int(match.group(1)) if match else 1
            headings.append(Heading(start, end, level, text))
    text = "\n\n".join(parts)
    if not text.strip():
        raise IngestError("document Word sans texte")
    title = (document.core_properties.title or "").strip() or None
    return LoadedDocument(text=text, format="docx", title=title, headings=headings)


# ---------------------------------------------------------------------- Markdown / TXT
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _read_text_file(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("fichier vide")
    text, encoding = decode_text(data)
    return clean_text(text), encoding


def load_markdown(path: Path) -> LoadedDocument:
    text, encoding = _read_text_file(path)
    metadata: dict[str, Any] = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise IngestError(f"en-tête YAML invalide ({exc.__class__.__name__})") from exc
        if not isinstance(front, dict):
            raise IngestError("en-tête YAML invalide : un dictionnaire clé: valeur est attendu")
        metadata = {str(k): v for k, v in front.items()}
        text = text[match.end() :]
    if not text.strip():
        raise IngestError("document Markdown sans texte")
    headings = [
        Heading(m.start(), m.end(), len(m.group(1)), m.group(2).strip()) for m in _MD_HEADING_RE.finditer(text)
    ]
    title = metadata.get("titre") or metadata.get("title")
    if encoding != "utf-8":
        metadata["encoding"] = encoding
    return LoadedDocument(
        text=text, format="markdown", title=str(title) if title else None, headings=headings, metadata=metadata
    )


def load_txt(path: Path) -> LoadedDocument:
    text, encoding = _read_text_file(path)
    warnings = [] if encoding == "utf-8" else [f"texte non UTF-8 : lu en {encoding}"]
    return LoadedDocument(text=text, format="txt", metadata={"encoding": encoding}, warnings=warnings)


# --------------------------------------------------------------------------------- HTML
_BLOCK_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "caption"]


def load_html(path: Path) -> LoadedDocument:
    from bs4 import BeautifulSoup

    raw, encoding = _read_text_file(path)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    body = soup.body or soup
    parts: list[str] = []
    headings: list[Heading] = []
    offset = 0
    for element in body.find_all(_BLOCK_TAGS):
        if element.find_parent(_BLOCK_TAGS) is not None:
            continue
        text = re.sub(r"\s+", " ", element.get_text(" ", strip=True)).strip()
        if not text:
            continue
        if element.name and element.name[0] == "h" and element.name[1:].isdigit():
            headings.append(Heading(offset, offset + len(text), int(element.name[1:]), text))
        parts.append(text)
        offset += len(text) + 2
    if not parts:  # text outside block tags only
        parts = [l.strip() for l in body.get_text("\n").split("\n") if l.strip()]
    text = "\n\n".join(parts)
    if not text.strip():
        raise IngestError("page HTML sans texte")
    return LoadedDocument(
        text=text, format="html", title=title or None, headings=headings, metadata={"encoding": encoding}
    )


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
