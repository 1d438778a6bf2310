"""Structure-aware chunking for French administrative texts.

Deliberations have a known anatomy: header (n°, séance, président…), visas (« Vu … »),
considérants, dispositif (APPROUVE / AUTORISE / DÉCIDE …, with any list it announces), articles,
vote, signature. Each such unit becomes one chunk when it fits, so a citation points at a whole visa
or a whole decision with its full list. Other texts (règlements, conventions, comptes rendus…) are
cut into sections at their headings, their articles (« Article 8 – Titre »: every chunk of the article
carries its number) and their divisions (« TITRE II », « ANNEXE 1 »); inside a section, paragraphs,
whole lists with the sentence that announces them and whole tables are grouped up to chunk_size.
A longer unit is cut between its paragraphs, list items or table rows (each row repeats its column
headers, see loaders.render_table), and only a single paragraph longer than chunk_size is cut inside,
with overlap.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass, field

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.articles import normalise_article_number
from assistant.records import ACT_REF
from ingest.loaders import LoadedDocument

CHUNKER_VERSION = "admin-fr-10"  # bump when chunks, their keyword tokens, their flags or the records read from them change

DECISION_VERBS = (
    "APPROUVE|AUTORISE|DÉCIDE|DECIDE|ADOPTE|DÉSIGNE|DESIGNE|PREND ACTE|DONNE|ATTRIBUE|FIXE|CHARGE|DIT|"
    "PRÉCISE|PRECISE|ACCEPTE|ABROGE|MODIFIE|SOLLICITE|RAPPELLE|ÉMET|EMET|AUTORISENT|APPROUVENT|DÉCIDENT|"
    "ARRÊTE|ARRETE|CONFIE|CRÉE|CREE|ACCORDE|RETIENT|VALIDE|ÉLIT|ELIT|INSTAURE"
)
_PREFIX = r"^\s*(?:[-*•]\s*)?(?:\*\*)?"
VISA_RE = re.compile(_PREFIX + r"Vu\b", re.IGNORECASE)
CONSIDERANT_RE = re.compile(_PREFIX + r"Consid[ée]rant\b", re.IGNORECASE)
DELIBERE_RE = re.compile(
    _PREFIX + r"(?:#{1,6}\s+)?(?:\*\*)?(APR[ÈE]S EN AVOIR D[ÉE]LIB[ÉE]R[ÉE]|D[ÉE]LIB[ÈE]RE)\b", re.IGNORECASE
)
VOTE_RE = re.compile(
    # « ADOPTÉ À L'UNANIMITÉ », « Délibération adoptée à la majorité… », « Pour : 142 ».
    _PREFIX + r"(?:(?:(?:LA\s+)?D[ÉE]LIB[ÉE]RATION\s+(?:EST\s+)?)?ADOPT[ÉE]E?S?\b.*(?:UNANIMIT|MAJORIT|SUFFRAGES)|(?:Pour|Contre|Abstentions?)\s*:\s*\d)",
    re.IGNORECASE,
)
DECISION_RE = re.compile(_PREFIX + rf"(?:Article\s+(?:\d+|premier|1er)\s*[:.–-]\s*)?({DECISION_VERBS})\b")
ARTICLE_RE = re.compile(_PREFIX + r"(?:#{1,6}\s+)?(ARTICLE|Article|Art\.)\s*(\d+|premier|PREMIER|1er|1ER|unique|UNIQUE)\b")
BODY_RE = re.compile(_PREFIX + r"LE (BUREAU|CONSEIL)\b")
SIGNATURE_RE = re.compile(_PREFIX + r"(Fait à|Le Président|La Présidente|Le Maire|La Maire|Pour extrait)\b")
PLACE_DATE_RE = re.compile(_PREFIX + r"Fait (?:à|a|en)\s+\S")  # « Fait à Paris, le … »: the signatures follow
_BULLETS = "-*•◦▪▫●○■□►▶➢➤✓✔–—\uf0b7\uf0a7\uf0d8\uf076"
LIST_ITEM_RE = re.compile(rf"^\s*(?:[{_BULLETS}]|\d{{1,3}}[.)°]|[a-z][)])\s+\S")
MD_HEADING_RE = re.compile(r"^#{1,6}\s")
REFERENCE_HEAD_RE = re.compile(rf"\b{ACT_REF}\s*:")

# « Article 8 – Titre », « ARTICLE 8 : TITRE », « Art. 8 - Titre », « Article premier », « Article 1er »,
# « Article 8-1 », « Article 8.1 », « Article 8 bis », « Article II », optionally as a Markdown heading.
_ARTICLE_HEAD_RE = re.compile(
    r"^\s*(?:#{1,6}\s+)?(?P<bullet>[-*•]\s*)?(?:\*\*|__)?\s*"
    r"(?:ARTICLE\s+|Article\s+|ART\.\s*|Art\.\s*)"
    r"(?P<num>(?:PREMIER|[Pp]remier|1\s?(?:er|ER)|UNIQUE|[Uu]nique)(?!\w)"
    r"|\d{1,3}(?:[.-]\d{1,3})*(?:\s+(?:bis|ter|quater|BIS|TER|QUATER))?(?![\w.-]?\d)(?!\w)"
    r"|[IVX]{1,6}(?!\w))"
    r"(?P<rest>.*)$"
)
_ARTICLE_SEPARATORS = (":", ".", "–", "—", "-", "°")
_TOC_LEADER_RE = re.compile(r"(?:\.{4,}|…{2,}|_{4,}|\s{3,})\s*\d+\s*$")
# Divisions of a structured text: « TITRE II – … », « CHAPITRE 3 », « SECTION 1 », « ANNEXE 2 : … »,
# « PRÉAMBULE », « SOMMAIRE »… on a line of their own.
DIVISION_RE = re.compile(
    r"^\s*(?:#{1,6}\s+)?(?:\*\*)?\s*"
    r"(?:(?:TITRE|Titre|CHAPITRE|Chapitre|SECTION|Section|PARTIE|Partie|ANNEXES?|Annexes?)"
    r"(?:\s+(?:[IVXLC]{1,6}|\d{1,3}(?:[.-]\d{1,3})*|premier|PREMIER|1er|unique|UNIQUE|[A-Z]))?"
    r"\s*(?:\*\*)?\s*(?:[:.–—-]\s*(?P<title>.*?))?"
    r"|PR[ÉE]AMBULE|Pr[ée]ambule|EXPOS[ÉE] DES MOTIFS|Expos[ée] des motifs|SOMMAIRE|Sommaire)"
    r"\s*(?:\*\*)?\s*:?\s*$"
)

SECTION_LABELS = {
    "header": "En-tête",
    "visa": "Visas",
    "considerant": "Considérants",
    "decision": "Dispositif",
    "article": "Articles",
    "vote": "Vote",
    "signature": "Signature et mentions",
}


@dataclass
class ArticleHead:
    number: str
    """Normalised: « 1 » for premier / 1er, « 8 », « 8-1 », « 8.1 », « 8 bis » as written, roman
    numerals in figures."""
    label: str
    """« Article 8 – Titre » (the title as written), « Article 8 » when the line has no title."""


def _title_like(text: str, *, allow_period: bool) -> bool:
    words = text.split()
    if not words or len(text) > 120 or len(words) > 16:
        return False
    if text.endswith((",", ";", ":")) or (text.endswith(".") and not (allow_period and len(words) <= 6)):
        return False
    return not re.match(rf"(?:{DECISION_VERBS})\b", text)


def _strip_marks(text: str) -> str:
    return re.sub(r"^[#\s]+|\*\*|__", "", text).strip()


def parse_article(line: str, *, strict: bool = True, heading: bool = False, next_line: str = "") -> ArticleHead | None:
    """The article a line opens, or None. ``strict`` (any document): the number must end the line
    or be followed by a separator (« : », « – », « . »), unless the line is a heading of the file, so
    that a sentence starting with « Article 3 du code… » opens nothing; a bulleted line or an entry
    of a table of contents (« Article 3 – Durée ....... 4 ») is no article either. Not strict (the
    dispositif of an act): « Article 1 APPROUVE … » opens article 1 as well."""
    m = _ARTICLE_HEAD_RE.match(line)
    if not m:
        return None
    if strict and m.group("bullet"):
        return None
    rest = m.group("rest").strip()
    rest = re.sub(r"^(?:\*\*|__)\s*", "", rest).strip()
    title = ""
    if not rest:
        pass
    elif rest.startswith(_ARTICLE_SEPARATORS):
        title = rest.lstrip(":.–—-° \t")
    elif re.match(r"(?:du|de|des|d['’])\b", rest, re.IGNORECASE):
        return None  # « Article 12 de la loi… »: a citation, not an article of this text
    elif rest[0].isalpha() and (heading or not strict):
        title = rest
    elif strict and not (rest[0].isupper() and len(rest.split()) <= 10 and _title_like(rest, allow_period=False)):
        return None
    else:
        title = rest
    title = re.sub(r"\s*(?:\*\*|__)\s*$", "", title).strip()
    if strict and _TOC_LEADER_RE.search(title):
        return None
    raw = m.group("num")
    if re.fullmatch(r"[IVX]+", raw) and (not rest or not rest.startswith(_ARTICLE_SEPARATORS)) and not heading:
        return None  # « Article I » alone: too close to ordinary words to open an article
    number = normalise_article_number(raw)
    shown = re.sub(r"\s+", " ", raw.strip())
    if not re.fullmatch(r"[IVX]+", shown):
        shown = shown.lower().replace("1 er", "1er")
    if not _title_like(title, allow_period=True):
        title = ""
    if not title and not rest and next_line:
        candidate = _strip_marks(next_line)
        if _title_like(candidate, allow_period=False) and not _ARTICLE_HEAD_RE.match(next_line):
            title = candidate
    label = f"Article {shown} – {title}" if title else f"Article {shown}"
    return ArticleHead(number=number, label=label)


def division_title(line: str) -> str | None:
    """« TITRE II – DISPOSITIONS GÉNÉRALES », « Annexe 1 : grille », « PRÉAMBULE »: the line as a
    section label; None for any other line."""
    if not DIVISION_RE.match(line) or len(line.split()) > 16 or line.rstrip(" *").endswith((".", ";", ",")):
        return None  # « Annexe 1 : règlement du programme. »: an entry of a list of annexes
    return _strip_marks(line).rstrip(" :")


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
    article: str | None = None
    """The article the chunk belongs to (« 1 », « 8 », « 8-1 »), None outside articles."""


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
    article: str | None = None


@dataclass
class _Atom:
    """A span a chunk boundary never cuts when it fits: a paragraph, a list item, a table row.
    ``glue``: a heading or a sentence announcing what follows (« … suivants : »), kept with it."""

    start: int
    end: int
    glue: bool = False


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
        or parse_article(line) is not None
        or division_title(line) is not None
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


class _Structure:
    """What a block is in its document: a heading of the file, an article, a division, a table row,
    a list item."""

    def __init__(self, doc: LoadedDocument) -> None:
        self.doc = doc
        self.headings = sorted(doc.headings, key=lambda h: h.start)
        self._heading_starts = [h.start for h in self.headings]
        self.tables = sorted(doc.tables, key=lambda t: t.start)
        self._table_starts = [t.start for t in self.tables]

    def heading(self, block: _Block):
        i = bisect.bisect_right(self._heading_starts, block.start) - 1
        if i >= 0:
            h = self.headings[i]
            if h.start <= block.start < max(h.end, h.start + 1):
                return h
        return None

    def table(self, block: _Block):
        i = bisect.bisect_right(self._table_starts, block.start) - 1
        if i >= 0 and self.tables[i].start <= block.start < max(self.tables[i].end, self.tables[i].start + 1):
            return self.tables[i]
        return None

    def lines(self, block: _Block) -> list[str]:
        return [l for l in self.doc.text[block.start : block.end].split("\n") if l.strip()]

    def article(self, block: _Block, *, strict: bool = True) -> ArticleHead | None:
        lines = self.lines(block)
        heading = self.heading(block) is not None or bool(MD_HEADING_RE.match(block.first_line))
        return parse_article(block.first_line, strict=strict, heading=heading,
                             next_line=lines[1] if len(lines) > 1 else "")

    def section_title(self, block: _Block) -> tuple[str, int] | None:
        """(label, level) when the block opens a section that is not an article: a heading of the
        file (level as declared), a Markdown heading, a division line (level 0)."""
        h = self.heading(block)
        if h is not None:
            return h.title, h.level
        m = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", block.first_line)
        if m:
            return _strip_marks(m.group(2)), len(m.group(1))
        title = division_title(block.first_line)
        if title is not None:
            return title, 0
        return None

    def heading_only(self, block: _Block) -> bool:
        return self.heading(block) is not None or (
            len(self.lines(block)) == 1
            and (MD_HEADING_RE.match(block.first_line) is not None or division_title(block.first_line) is not None
                 or parse_article(block.first_line) is not None)
        )

    def atoms(self, blocks: list[_Block]) -> list[_Atom]:
        """The units a long passage is cut between: table rows, list items, paragraphs."""
        out: list[_Atom] = []
        text = self.doc.text
        for block in blocks:
            table = self.table(block)
            if table is not None:
                rows = [(s, e) for s, e in table.rows if block.start <= s < block.end + 1]
                if rows:
                    out.extend(_Atom(s, min(e, block.end)) for s, e in rows)
                    continue
            body = text[block.start : block.end].rstrip()
            glue = (
                self.heading_only(block) or body.endswith(":")
                or ("\n" not in body.strip() and DELIBERE_RE.match(block.first_line) is not None)
            )
            out.append(_Atom(block.start, block.end, glue))
        return out


def _deliberation_units(doc: LoadedDocument, blocks: list[_Block], structure: _Structure) -> list[_Unit]:
    text = doc.text
    units: list[_Unit] = []
    phase = "header"
    pending_marker: int | None = None  # « APRÈS EN AVOIR DÉLIBÉRÉ » joins the first decision

    heading_block: list[_Block] = []  # the heading that opened the last unit, while nothing follows it

    def open_unit(kind: str, block: _Block, section: str | None = None, article: str | None = None) -> None:
        nonlocal pending_marker
        start = block.start
        if pending_marker is not None and kind in ("decision", "article"):
            start, pending_marker = pending_marker, None
        if heading_block and units and units[-1].kind == "heading" and units[-1].end == heading_block[0].end:
            if kind == "vote" and len(units) > 1:  # the vote is read line by line: the heading stays before it
                heading = units.pop()
                units[-1].end = heading.end
            else:
                start = min(start, units.pop().start)  # a heading with nothing under it goes with what follows
        heading_block[:] = [block] if kind == "heading" else []
        units.append(_Unit(kind, section or SECTION_LABELS[kind], start, block.end, article))

    for block in blocks:
        line = block.first_line
        in_table = structure.table(block) is not None
        article = (
            structure.article(block, strict=False)
            if not in_table and (ARTICLE_RE.match(line) or _ARTICLE_HEAD_RE.match(line)) else None
        )
        starts_body = (
            VISA_RE.match(line) or CONSIDERANT_RE.match(line) or DELIBERE_RE.match(line)
            or article or DECISION_RE.match(line)
        )
        if phase == "header" and not starts_body:
            if units and units[-1].kind == "header":
                units[-1].end = block.end
            else:
                open_unit("header", block)
            continue
        titled = structure.section_title(block) if not starts_body and not in_table else None
        if VISA_RE.match(line):
            phase = "body"
            open_unit("visa", block)
        elif CONSIDERANT_RE.match(line):
            phase = "body"
            open_unit("considerant", block)
        elif DELIBERE_RE.match(line):
            phase = "dispositif"
            pending_marker = block.start
        elif VOTE_RE.match(line) and phase != "annex":
            phase = "end"
            if units and units[-1].kind == "vote":
                units[-1].end = block.end  # « Pour : 20 », « Contre : 5 »… form one vote
            else:
                open_unit("vote", block)
        elif phase != "end" and article is not None:
            if phase not in ("dispositif", "annex"):
                phase = "body"
            open_unit("article", block, article.label, article.number)
        elif phase not in ("end", "annex") and DECISION_RE.match(line):
            phase = "dispositif"
            open_unit("decision", block)
        elif titled is not None and (phase != "end" or titled[1] == 0 or structure.heading(block) is not None):
            # A heading of the file or a division (« ANNEXE 1 : … ») opens a section, also after
            # the signature (an annex: its articles are articles again).
            if phase == "end":
                phase = "annex"
            open_unit("heading", block, titled[0])
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


@dataclass
class _Section:
    label: str
    article: str | None = None
    level: int | None = None
    """Heading level of the line that opened it (None: a plain line, 0: a division)."""
    groups: list[tuple[str, list[_Block]]] = field(default_factory=list)


def _generic_units(doc: LoadedDocument, blocks: list[_Block], chunk_size: int, structure: _Structure) -> list[_Unit]:
    """Sections open at headings, articles and divisions; inside a section, paragraphs, whole lists
    (with the sentence that announces them) and whole tables (with their caption) are grouped up to
    chunk_size. A heading or an announcing sentence stays with what follows it; a section that holds
    nothing but its heading (an entry of a table of contents, « TITRE II » right before its first
    article) joins the next one."""
    text = doc.text
    sections: list[_Section] = [_Section(doc.title or "")]
    glue: list[_Block] = []  # headings and announcing sentences waiting for what follows them

    def start_section(section: _Section) -> None:
        current = sections[-1]
        if not current.groups and glue and len(sections) > 1:
            sections[-1] = section  # nothing but a heading: it joins the next section
        else:
            if glue:
                current.groups.append(("paragraph", glue[:]))
                glue.clear()
            sections.append(section)

    for index, block in enumerate(blocks):
        current = sections[-1]
        table = structure.table(block)
        article = structure.article(block) if table is None else None  # a row (« Titre : … ») opens nothing
        titled = structure.section_title(block) if article is None and table is None else None
        level = structure.heading(block).level if structure.heading(block) is not None else None
        if article is not None:
            start_section(_Section(article.label, article.number, level))
        elif table is None and current.label != SECTION_LABELS["signature"] and PLACE_DATE_RE.match(block.first_line):
            start_section(_Section(SECTION_LABELS["signature"], None, 0))
        elif titled is not None:
            inside_article = (
                current.article is not None and current.level is not None and titled[1] > current.level
                and structure.heading(block) is not None
            )
            if not inside_article:
                start_section(_Section(titled[0], None, titled[1]))
        current = sections[-1]
        body = text[block.start : block.end]
        is_item = bool(LIST_ITEM_RE.match(block.first_line))
        last = current.groups[-1] if current.groups and not glue else None
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        caption = (  # a short line right before a table (« Tableau 2 – Grille », « … le calendrier suivant. »)
            table is None and following is not None and structure.table(following) is not None
            and len(body.split()) <= 20 and "\n" not in body.strip()
        )
        if structure.heading_only(block) or caption or (body.rstrip().endswith(":") and table is None and not is_item):
            glue.append(block)
            continue
        if table is not None:
            if last is not None and last[0] == "table" and structure.table(last[1][-1]) is table:
                last[1].append(block)
                continue
            kind = "table"
        elif is_item or (last is not None and last[0] == "list" and body[:1].isspace()):
            if last is not None and last[0] == "list":
                last[1].append(block)  # the next item, or an indented continuation of the last one
                continue
            kind = "list"
        else:
            kind = "paragraph"
        current.groups.append((kind, glue + [block]))
        glue.clear()
    if glue:
        sections[-1].groups.append(("paragraph", glue[:]))
        glue.clear()

    units: list[_Unit] = []
    for section in sections:
        unit: _Unit | None = None
        for kind, group in section.groups:
            start, end = group[0].start, group[-1].end
            label_kind = "article" if section.article is not None else kind
            if section.label == SECTION_LABELS["signature"] and section.level == 0:
                label_kind = "signature"
            if unit is not None and end - unit.start <= chunk_size:
                unit.end = end
                continue
            unit = _Unit(label_kind, section.label, start, end, section.article)
            units.append(unit)
            if end - start > chunk_size:
                unit = None  # a long list or table is cut alone, between its items
    return units


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pack(atoms: list[_Atom], chunk_size: int) -> list[tuple[int, int]]:
    """Consecutive atoms up to chunk_size; a heading or announcing sentence goes with the next atom;
    an atom longer than chunk_size is a span of its own (cut later inside)."""
    spans: list[tuple[int, int]] = []
    current: list[_Atom] = []

    def flush() -> None:
        if current:
            spans.append((current[0].start, current[-1].end))
            current.clear()

    def take_glue() -> list[_Atom]:
        carried: list[_Atom] = []
        while current and current[-1].glue and len(current) > 1:
            carried.insert(0, current.pop())
        if current and all(a.glue for a in current):
            carried = current[:] + carried
            current.clear()
        return carried

    for atom in atoms:
        if atom.end - atom.start > chunk_size:
            carried = take_glue()
            flush()
            spans.append(((carried[0] if carried else atom).start, atom.end))
            continue
        if current and atom.end - current[0].start > chunk_size:
            carried = take_glue()
            flush()
            current.extend(carried)
            if current and atom.end - current[0].start > chunk_size:
                flush()
        current.append(atom)
    flush()
    return spans


def chunk_document(
    doc: LoadedDocument, doc_id: str, title: str, *, deliberation: bool, chunk_size: int, chunk_overlap: int
) -> list[Chunk]:
    """``deliberation``: the text is cut as an act (visas, considérants, dispositif…) when it has
    such parts; a structured text without them (a règlement, a convention) is cut by its headings,
    articles, lists and tables."""
    blocks = split_blocks(doc.text)
    structure = _Structure(doc)
    as_act = deliberation and any(
        VISA_RE.match(b.first_line) or CONSIDERANT_RE.match(b.first_line) or DELIBERE_RE.match(b.first_line)
        or DECISION_RE.match(b.first_line)
        for b in blocks
    )
    if as_act:
        units = _deliberation_units(doc, blocks, structure)
    else:
        units = _generic_units(doc, blocks, chunk_size, structure)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
        add_start_index=True,
    )
    starts = [b.start for b in blocks]
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for unit in units:
        start, end = _trim(doc.text, unit.start, unit.end)
        if start >= end:
            continue
        if end - start <= chunk_size:
            spans = [(start, end)]
        else:
            inside = blocks[bisect.bisect_left(starts, unit.start) : bisect.bisect_left(starts, unit.end)]
            if not inside or inside[0].start > unit.start:  # a unit that begins inside a block
                head_end = inside[0].start if inside else unit.end
                inside = [_Block(unit.start, head_end, doc.text[unit.start : head_end].strip().split("\n")[0])] + inside
            atoms = structure.atoms(inside)
            atoms[-1].end = min(atoms[-1].end, unit.end)
            spans = []
            for s, e in _pack(atoms, chunk_size):
                s, e = _trim(doc.text, s, e)
                if s >= e:
                    continue
                if e - s <= chunk_size:
                    spans.append((s, e))
                    continue
                for piece in splitter.create_documents([doc.text[s:e]]):
                    ps = s + piece.metadata["start_index"]
                    spans.append(_trim(doc.text, ps, ps + len(piece.page_content)))
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
                    article=unit.article,
                )
            )
    return chunks
