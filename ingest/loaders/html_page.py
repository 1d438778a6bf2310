"""HTML pages (BeautifulSoup): headings, paragraphs and tables; the charset a page declares."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import IngestError
from ingest.loaders.document import LoadedDocument, TextBuilder, render_table
from ingest.loaders.text import encoding_warnings, read_text_file

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

    raw, encoding = read_text_file(path, declared=_html_charset)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    body = soup.body or soup
    out = TextBuilder()
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
        out = TextBuilder()
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
