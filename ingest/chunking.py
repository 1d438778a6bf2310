"""Structure-aware chunking for French administrative texts.

Deliberations and regulations have a known anatomy: header (n°, séance, président…), visas
(« Vu … »), considérants, dispositif (APPROUVE / AUTORISE / DÉCIDE …, with any list it announces),
articles, vote, signature. Each such unit becomes one chunk when it fits, so a citation points at a
whole visa or a whole decision with its full list; longer units are split with overlap. Other texts
are cut along their headings and paragraphs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.loaders import LoadedDocument

CHUNKER_VERSION = "admin-fr-4"  # bump when chunks or their keyword tokens change

DECISION_VERBS = (
    "APPROUVE|AUTORISE|DÉCIDE|DECIDE|ADOPTE|DÉSIGNE|DESIGNE|PREND ACTE|DONNE|ATTRIBUE|FIXE|CHARGE|DIT|"
    "PRÉCISE|PRECISE|ACCEPTE|ABROGE|MODIFIE|SOLLICITE|RAPPELLE|ÉMET|EMET|AUTORISENT|APPROUVENT|DÉCIDENT|"
    "ARRÊTE|ARRETE|CONFIE|CRÉE|CREE|ACCORDE|RETIENT|VALIDE|ÉLIT|ELIT|INSTAURE"
)
_PREFIX = r"^\s*(?:[-*•]\s*)?(?:\*\*)?"
VISA_RE = re.compile(_PREFIX + r"Vu\b", re.IGNORECASE)
CONSIDERANT_RE = re.compile(_PREFIX + r"Consid[ée]rant\b", re.IGNORECASE)
DELIBERE_RE = re.compile(_PREFIX + r"(APR[ÈE]S EN AVOIR D[ÉE]LIB[ÉE]R[ÉE]|D[ÉE]LIB[ÈE]RE)\b", re.IGNORECASE)
VOTE_RE = re.compile(
    _PREFIX + r"(?:ADOPT[ÉE]E?S?\b.*(?:UNANIMIT|MAJORIT|SUFFRAGES)|(?:Pour|Contre|Abstentions?)\s*:\s*\d)",
    re.IGNORECASE,
)
DECISION_RE = re.compile(_PREFIX + rf"(?:Article\s+(?:\d+|premier|1er)\s*[:.–-]\s*)?({DECISION_VERBS})\b")
ARTICLE_RE = re.compile(_PREFIX + r"(ARTICLE|Article)\s+(\d+|premier|1er|unique)\b")
BODY_RE = re.compile(_PREFIX + r"LE (BUREAU|CONSEIL)\b")
SIGNATURE_RE = re.compile(_PREFIX + r"(Fait à|Le Président|La Présidente|Le Maire|La Maire|Pour extrait)\b")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+\S")
MD_HEADING_RE = re.compile(r"^#{1,6}\s")
REFERENCE_HEAD_RE = re.compile(r"\b(?:BM|CM|BT|CT)\d{4}/\d{2}/\d{2}/\d+(?:-\d+)?\s*:")

SECTION_LABELS = {
    "header": "En-tête",
    "visa": "Visas",
    "considerant": "Considérants",
    "decision": "Dispositif",
    "article": "Articles",
    "vote": "Vote",
    "signature": "Signature et mentions",
}


def chunking_id(chunk_size: int, chunk_overlap: int) -> str:
    """Identifies everything that changes how a file is cut: a change re-chunks every document."""
    payload = json.dumps([CHUNKER_VERSION, chunk_size, chunk_overlap])
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


@dataclass
class Chunk:
    chunk_id: str
    text: str
    section: str
    block_type: str
    char_start: int
    char_end: int
    page: int | None
    page_end: int | None
    ordinal: int


@dataclass
class _Block:
    start: int
    end: int
    first_line: str


@dataclass
class _Unit:
    kind: str
    section: str
    start: int
    end: int


def looks_like_deliberation(text: str) -> bool:
    """Visas plus considérants or a « délibéré » marker, or an act reference in the header."""
    visas = sum(1 for line in text.splitlines() if VISA_RE.match(line))
    has_body = bool(re.search(r"Consid[ée]rant|D[ÉE]LIB[ÉE]R", text, re.IGNORECASE))
    return (visas >= 1 and has_body) or bool(REFERENCE_HEAD_RE.search(text[:2000]))


def _is_cue(line: str) -> bool:
    return bool(
        VISA_RE.match(line)
        or CONSIDERANT_RE.match(line)
        or DELIBERE_RE.match(line)
        or VOTE_RE.match(line)
        or DECISION_RE.match(line)
        or ARTICLE_RE.match(line)
        or BODY_RE.match(line)
        or SIGNATURE_RE.match(line)
        or LIST_ITEM_RE.match(line)
        or MD_HEADING_RE.match(line)
    )


def split_blocks(text: str) -> list[_Block]:
    """Paragraph-like blocks with offsets: blank lines, structural cues, and line ends that close a
    sentence followed by a capital start a block (PDF text has no blank lines)."""
    blocks: list[_Block] = []
    start: int | None = None
    first = ""
    prev = ""
    offset = 0
    last_end = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        stripped = line.strip()
        if not stripped:
            if start is not None:
                blocks.append(_Block(start, last_end, first))
                start = None
            prev = ""
            continue
        new_block = start is None or _is_cue(stripped)
        if not new_block and prev:
            closes = prev.rstrip().endswith((".", ";", ":", "!", "?"))
            if closes and stripped[0].isupper():
                new_block = True
            elif prev.isupper() != stripped.isupper() and any(c.isalpha() for c in stripped):
                new_block = True  # a CAPITALS title line next to normal text
        if new_block:
            if start is not None:
                blocks.append(_Block(start, last_end, first))
            start, first = line_start, stripped
        last_end = line_end
        prev = stripped
    if start is not None:
        blocks.append(_Block(start, last_end, first))
    return blocks


def _deliberation_units(text: str, blocks: list[_Block]) -> list[_Unit]:
    units: list[_Unit] = []
    phase = "header"
    pending_marker: int | None = None  # « APRÈS EN AVOIR DÉLIBÉRÉ » joins the first decision

    def open_unit(kind: str, block: _Block, section: str | None = None) -> None:
        nonlocal pending_marker
        start = block.start
        if pending_marker is not None and kind in ("decision", "article"):
            start, pending_marker = pending_marker, None
        units.append(_Unit(kind, section or SECTION_LABELS[kind], start, block.end))

    for block in blocks:
        line = block.first_line
        starts_body = (
            VISA_RE.match(line) or CONSIDERANT_RE.match(line) or DELIBERE_RE.match(line)
            or ARTICLE_RE.match(line) or DECISION_RE.match(line)
        )
        if phase == "header" and not starts_body:
            if units and units[-1].kind == "header":
                units[-1].end = block.end
            else:
                open_unit("header", block)
            continue
        if VISA_RE.match(line):
            phase = "body"
            open_unit("visa", block)
        elif CONSIDERANT_RE.match(line):
            phase = "body"
            open_unit("considerant", block)
        elif DELIBERE_RE.match(line):
            phase = "dispositif"
            pending_marker = block.start
        elif VOTE_RE.match(line):
            phase = "end"
            if units and units[-1].kind == "vote":
                units[-1].end = block.end  # « Pour : 20 », « Contre : 5 »… form one vote
            else:
                open_unit("vote", block)
        elif phase != "end" and ARTICLE_RE.match(line):
            phase = "dispositif" if phase == "dispositif" else "body"
            m = ARTICLE_RE.match(line)
            open_unit("article", block, f"Article {m.group(2)}" if m else None)
        elif phase != "end" and DECISION_RE.match(line):
            phase = "dispositif"
            open_unit("decision", block)
        elif phase == "end" or (SIGNATURE_RE.match(line) and phase == "dispositif"):
            phase = "end"
            if units and units[-1].kind == "signature":
                units[-1].end = block.end
            else:
                open_unit("signature", block)
        elif units:
            units[-1].end = block.end  # continuation: a decision's list, a wrapped paragraph
        else:
            open_unit("header", block)
    if pending_marker is not None:
        units.append(_Unit("decision", SECTION_LABELS["decision"], pending_marker, len(text.rstrip())))
    return units


def _generic_units(doc: LoadedDocument, blocks: list[_Block], chunk_size: int) -> list[_Unit]:
    """Paragraphs grouped under their heading up to chunk_size; a heading and a list intro stay
    with what follows them."""
    headings = sorted(doc.headings, key=lambda h: h.start)
    units: list[_Unit] = []
    section = doc.title or ""

    def heading_at(block: _Block):
        for h in headings:
            if h.start <= block.start < max(h.end, h.start + 1):
                return h
        return None

    glue_next = False
    for block in blocks:
        heading = heading_at(block)
        if heading is not None:
            section = heading.title
            units.append(_Unit("heading", section, block.start, block.end))
            glue_next = True
            continue
        is_item = bool(LIST_ITEM_RE.match(block.first_line))
        kind = "list" if is_item else "paragraph"
        last = units[-1] if units else None
        fits = last is not None and block.end - last.start <= chunk_size
        if last is not None and last.section == section and (glue_next or (fits and (is_item or last.kind != "heading"))):
            if glue_next or fits:
                last.end = block.end
                if last.kind == "heading":
                    last.kind = kind
                glue_next = text_ends_with_colon(doc.text[block.start : block.end])
                continue
        units.append(_Unit(kind, section, block.start, block.end))
        glue_next = text_ends_with_colon(doc.text[block.start : block.end])
    return units


def text_ends_with_colon(text: str) -> bool:
    return text.rstrip().endswith(":")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def chunk_document(
    doc: LoadedDocument, doc_id: str, title: str, *, deliberation: bool, chunk_size: int, chunk_overlap: int
) -> list[Chunk]:
    blocks = split_blocks(doc.text)
    units = _deliberation_units(doc.text, blocks) if deliberation else _generic_units(doc, blocks, chunk_size)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
        add_start_index=True,
    )
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for unit in units:
        start, end = _trim(doc.text, unit.start, unit.end)
        if start >= end:
            continue
        if end - start <= chunk_size:
            spans = [(start, end)]
        else:
            spans = []
            for piece in splitter.create_documents([doc.text[start:end]]):
                s = start + piece.metadata["start_index"]
                spans.append(_trim(doc.text, s, s + len(piece.page_content)))
        for s, e in spans:
            text = doc.text[s:e]
            key = f"{doc_id}\x00{title}\x00{unit.section}\x00{text}"
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            chunk_id = hashlib.sha256(f"{key}\x00{occurrence}".encode()).hexdigest()[:32]
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    text=text,
                    section=unit.section,
                    block_type=unit.kind,
                    char_start=s,
                    char_end=e,
                    page=doc.page_at(s),
                    page_end=doc.page_at(e - 1),
                    ordinal=len(chunks),
                )
            )
    return chunks
