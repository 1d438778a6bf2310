"""PDF (pypdf): text page by page, running headers and footers removed, reasons that name the cause
of a file that cannot be read."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Callable

from ingest.errors import IngestError
from ingest.loaders.document import LoadedDocument, clean_text, meaningful_title


# ---------------------------------------------------------------------------------- PDF
_PAGE_COUNTER = re.compile(
    r"(?:^|\s)(?:page|p\.)\s*\d{1,4}\s*(?:/|sur|of)\s*\d{1,4}\s*$"  # « … — page 2/5 », « Page 2 sur 5 »
    r"|^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"  # « 2/5 »
    r"|^\s*[-–—]\s*\d{1,4}\s*[-–—]\s*$"  # « - 2 - »
    r"|^\s*page\s*\d{1,4}\s*$",  # « Page 2 »
    re.IGNORECASE,
)


def _drop_page_counters(lines: list[str]) -> list[str]:
    """The first or last line of a page that carries its page number is furniture, however many
    pages the document has (a one-page act has a footer too, and nothing repeats to detect it)."""
    filled = [i for i, l in enumerate(lines) if l.strip()]
    drop = {i for i in filled[:1] + filled[-1:] if _PAGE_COUNTER.search(lines[i])}
    return [l for i, l in enumerate(lines) if i not in drop] if drop and len(filled) > len(drop) else lines


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove headers/footers: page-number lines, then first/last lines repeated (digits aside) on
    most pages."""
    pages = [_drop_page_counters(lines) for lines in pages]
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
