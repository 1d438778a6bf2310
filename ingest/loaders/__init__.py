"""Loaders: one module per file format, each returning the text with its pages, headings and
metadata (:class:`~ingest.loaders.document.LoadedDocument`).

A file that cannot be read raises :class:`IngestError` with a French reason that names the problem;
the pipeline reports it with the file name and goes on with the other files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ingest.errors import IngestError, UnsupportedFormat
from ingest.loaders.document import Heading, LoadedDocument, TableSpan, clean_text, meaningful_title, render_table
from ingest.loaders.html_page import load_html
from ingest.loaders.pdf import PageProgress, load_pdf
from ingest.loaders.text import encoding_warnings, load_markdown, load_txt
from ingest.loaders.word import load_docx

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"}

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


__all__ = [
    "LOADERS", "SUPPORTED_SUFFIXES", "Heading", "IngestError", "LoadedDocument", "TableSpan", "UnsupportedFormat",
    "clean_text", "encoding_warnings", "load_docx", "load_file", "load_html", "load_markdown", "load_pdf", "load_txt",
    "meaningful_title", "megabytes", "render_table",
]
