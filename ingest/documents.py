"""What a document is and what it is called, read from the document itself: its kind (from its
declared type, its title or its first lines), its title (file properties, front matter, top heading,
the line that names its kind) and its date."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from assistant.doc_types import DOC_TYPES, normalise_doc_type
from assistant.records import DeliberationRecord
from assistant.text import fold
from ingest.chunking import ARTICLE_RE, CONSIDERANT_RE, VISA_RE
from ingest.loaders import LoadedDocument

_KIND_WORD_RE = re.compile(
    r"\b(?:(?P<deliberation>deliberations?)|(?P<reglement>reglements?)|(?P<convention>conventions?)"
    r"|(?P<compte>comptes?[- ]rendus?|proces[- ]verba(?:l|ux))|(?P<synthese>syntheses?|fiches?)"
    r"|(?P<arrete>arretes?)|(?P<charte>chartes?)|(?P<formulaire>formulaires?)|(?P<rapport>rapports?)"
    r"|(?P<note>notes?))\b"
)
_KIND_OF_GROUP = {
    "deliberation": "délibération", "reglement": "règlement", "convention": "convention", "compte": "compte rendu",
    "synthese": "synthèse", "arrete": "arrêté", "charte": "charte", "formulaire": "formulaire",
    "rapport": "rapport", "note": "note",
}
_PRECEDENCE = {doc_type: i for i, doc_type in enumerate(DOC_TYPES)}
# Words before the kind in a title line: « Modèle de convention », « Projet de règlement »,
# « Extrait du registre des délibérations », « Annexe 2 : convention ».
_TITLE_PREFIX_RE = re.compile(
    r"^(?:(?:modele|projet|extrait|copie|annexe(?:\s+\w{1,4})?|nouvelle?|nouveau|premiere?|version)"
    r"(?:\s+\w{1,4})?\s*(?:[:–—-]\s*)?(?:(?:du|de la|des|de l'|de|d')\s*)?(?:registre\s+(?:des|de)\s+)?)+"
)
_BANNER_WORDS = 3
_FIRST_LINES = 15


def _kind_at_head(text: str) -> str | None:
    """The kind a title-like line names with its first word (« Règlement du programme approuvé par
    délibération… » is a règlement, « MODÈLE DE CONVENTION… » a convention, « Note de synthèse » a
    synthèse); None if it opens with no such word."""
    folded = fold(re.sub(r"^[#*\s\-•]+|\*\*", "", text))
    folded = _TITLE_PREFIX_RE.sub("", folded, count=1)
    head = " ".join(folded.split()[:6])
    m = _KIND_WORD_RE.match(head)
    if not m or not m.lastgroup:
        return None
    kind = _KIND_OF_GROUP[m.lastgroup]
    # « Note de synthèse », « Fiche de synthèse »: the compound names the kind that takes precedence.
    nxt = _KIND_WORD_RE.match(head, m.end() + 1 + len("de ")) if head[m.end() :].startswith(" de ") else None
    if nxt and nxt.lastgroup and _PRECEDENCE[_KIND_OF_GROUP[nxt.lastgroup]] < _PRECEDENCE[kind]:
        return _KIND_OF_GROUP[nxt.lastgroup]
    return kind


def _kind_in(text: str) -> str | None:
    """The kind a title names: at its head first, else the earliest kind word anywhere in it
    (« Programme X — fiche de synthèse »)."""
    at_head = _kind_at_head(text)
    if at_head:
        return at_head
    m = _KIND_WORD_RE.search(fold(text))
    return _KIND_OF_GROUP[m.lastgroup] if m and m.lastgroup else None


def _first_lines(doc: LoadedDocument) -> list[str]:
    """The document's opening lines, up to its body (the first visa, considérant or article)."""
    lines: list[str] = []
    for raw in doc.text.split("\n"):
        line = re.sub(r"^[#\s]+|\*\*|__", "", raw).strip()
        if not line:
            continue
        if VISA_RE.match(line) or CONSIDERANT_RE.match(line) or ARTICLE_RE.match(line):
            break
        lines.append(line)
        if len(lines) >= _FIRST_LINES:
            break
    return lines


def _is_banner(line: str) -> bool:
    """« RÉPUBLIQUE FRANÇAISE », « MÉTROPOLE DU GRAND PARIS »-like lines in capitals of few words."""
    words = line.split()
    return line.upper() == line and len(words) <= _BANNER_WORDS


def _title_line(doc: LoadedDocument) -> str | None:
    """A line near the top that names the kind of document at its head (« RÈGLEMENT DU PROGRAMME… »,
    « Compte rendu de la réunion du … »), with its continuation when it is cut after a few words."""
    lines = _first_lines(doc)
    for i, line in enumerate(lines):
        words = line.split()
        if len(words) > 20 or line.endswith((".", ",", ";", ":")) or _kind_at_head(line) is None:
            continue
        if re.match(r"^[^\W\d_]+\s*:", line):  # « Note : … », a label and its value
            continue
        if len(words) <= 3 and i + 1 < len(lines):
            nxt = lines[i + 1]
            continues = re.match(r"(?:du|de|des|d['’]|relatif|relative|portant|pour|sur|«)(?:\s|$)|[«\"]", fold(nxt))
            same_style = line.isupper() and nxt.isupper() and not _is_banner(nxt)
            if len(nxt.split()) <= 14 and not nxt.endswith((".", ",", ";", ":")) and (continues or same_style):
                line = f"{line} {nxt}"
        return _shorten(line)
    return None


def _shorten(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _top_heading(doc: LoadedDocument) -> str | None:
    """The first level-1 heading, or the first heading when the text opens with it."""
    headings = sorted(doc.headings, key=lambda h: h.start)
    first = next((h for h in headings if h.level == 1), None)
    if first is None and headings and not doc.text[: headings[0].start].strip():
        first = headings[0]
    return _shorten(first.title) if first else None


def _first_substantial_line(doc: LoadedDocument) -> str | None:
    for line in _first_lines(doc):
        if len(line.split()) >= 3 and not _is_banner(line):
            return _shorten(line.rstrip(" :"))
    return None


def detect_doc_type(path: Path, doc: LoadedDocument, deliberation: bool) -> str:
    """Declared type, else the kind of document its title names, else its first lines, else its file
    name; else « délibération » for a text that reads as one, else « autre ». The title wins over
    the body: a règlement whose first lines cite a délibération stays a règlement."""
    declared = normalise_doc_type(doc.metadata.get("type"))
    if declared:
        return declared
    title = doc.title or _top_heading(doc)
    for source in (title, _title_line(doc)):
        kind = _kind_in(source) if source else None
        if kind:
            return kind
    kind = _kind_in(path.stem.replace("_", " "))
    if kind:
        return kind
    return "délibération" if deliberation else "autre"


def document_title(path: Path, doc: LoadedDocument, record: DeliberationRecord | None) -> str:
    """The document's own title (file properties, front matter), else its top heading or the line
    that names its kind (unless that is a deliberation with a reference: « Délibération <réf> du
    Bureau »), else its first substantial line, else the file name."""
    if doc.title:
        return doc.title
    own = _top_heading(doc) or _title_line(doc)
    if own and _kind_in(own) not in (None, "délibération"):
        return own
    if record is not None and record.reference:
        body = f" du {record.body}" if record.body else ""
        return f"Délibération {record.reference}{body}"
    if own:
        return own
    return _first_substantial_line(doc) or path.stem.replace("_", " ").strip() or path.name


def document_date(doc: LoadedDocument, record: DeliberationRecord | None) -> str | None:
    declared = doc.metadata.get("date")
    if declared:
        try:
            return datetime.fromisoformat(str(declared)).date().isoformat()
        except ValueError:
            pass
    if record is not None and record.session_date:
        return record.session_date.isoformat()
    return None
