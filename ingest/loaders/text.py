"""Markdown (front matter, headings, tables) and plain text, in whatever encoding they were saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import yaml

from ingest.encoding import decode_text
from ingest.errors import IngestError
from ingest.loaders.document import Heading, LoadedDocument, TableSpan, clean_text, meaningful_title, render_table

# ---------------------------------------------------------------------- Markdown / TXT
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def read_text_file(path: Path, declared: Callable[[bytes], str | None] | None = None) -> tuple[str, str]:
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\x00\xff\xfe\xef\xbb\xbf"):
        raise IngestError("fichier vide")
    text, encoding = decode_text(data, declared(data) if declared else None)
    return clean_text(text), encoding


def encoding_warnings(encoding: str) -> list[str]:
    """The warning that names the encoding a text was read in, when it is not UTF-8."""
    return [] if encoding in ("utf-8", "ascii") else [f"texte non UTF-8 : lu en {encoding}"]


def load_markdown(path: Path) -> LoadedDocument:
    text, encoding = read_text_file(path)
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
    text, encoding = read_text_file(path)
    return LoadedDocument(text=text, format="txt", metadata={"encoding": encoding}, warnings=encoding_warnings(encoding))
