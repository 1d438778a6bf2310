"""What the committed corpus holds, as agents and the programme team read it.

- One entry per act or document: the copies of one act (its Markdown and its PDF) share its
  reference and are one entry with their files, so lists and « je ne sais pas » name each act once.
- Example questions built from the corpus itself (the records of its acts, the sections of its
  other documents), never from a fixed list: next year's corpus gets examples of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from assistant.acts import track_label
from assistant.communes import official_name
from assistant.index import Generation
from assistant.index_store import DocumentEntry
from assistant.record_answers import RecordAnswerer, french_date
from assistant.text import dedup_key, est_ce_que

# Section names a loader or the chunker gives to the parts of an act, not subjects of a question.
_STRUCTURE_SECTIONS = {"en tete", "visas", "considerants", "dispositif", "vote", "signature et mentions"}


@dataclass(frozen=True)
class CorpusEntry:
    """One act or document, with every indexed file that holds it."""

    title: str
    doc_type: str
    reference: str | None
    date: str | None
    doc_ids: tuple[str, ...]
    files: tuple[str, ...]
    pages: int | None
    chunks: int
    warnings: tuple[str, ...]
    ingested_at: datetime


def french_day(iso: str) -> str:
    """« 2025-06-24 » → « 24 juin 2025 » (the text itself when it is no ISO date)."""
    try:
        return french_date(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def _key(entry: DocumentEntry) -> str:
    """Copies of one act share its reference; anything else is its own entry (two files may share a
    title without being one document, and deleting a row deletes every file in it)."""
    return f"ref:{entry.reference}" if entry.reference else f"doc:{entry.doc_id}"


def corpus_entries(view: Generation) -> list[CorpusEntry]:
    """The committed documents, one entry per act (paginated copy's title first), newest date first."""
    groups: dict[str, list[DocumentEntry]] = {}
    for entry in view.manifest.documents.values():
        groups.setdefault(_key(entry), []).append(entry)
    entries = []
    for copies in groups.values():
        copies.sort(key=lambda e: (e.pages is None, e.doc_id))
        main = copies[0]
        entries.append(CorpusEntry(
            title=main.title, doc_type=main.doc_type, reference=main.reference,
            date=next((e.date for e in copies if e.date), None),
            doc_ids=tuple(e.doc_id for e in copies), files=tuple(e.file_name for e in copies),
            pages=next((e.pages for e in copies if e.pages), None), chunks=sum(e.chunks for e in copies),
            warnings=tuple(w for e in copies for w in e.warnings), ingested_at=max(e.ingested_at for e in copies),
        ))
    return sorted(entries, key=lambda e: (e.date or "", e.title), reverse=True)


def example_questions(view: Generation, limit: int = 4, answered: Callable[[str], bool] | None = None) -> list[str]:
    """Questions the corpus answers, one per kind while there are kinds: a beneficiary's membership,
    who presided a séance, how many beneficiaries an act designates, then questions made from the
    section titles of the other documents. ``answered`` (the assistant, when given) keeps only the
    candidates it does answer."""
    records = RecordAnswerer(view).records()
    candidates: list[str] = []
    listing = next((r for r in records if any(b.kind == "commune" for b in r.beneficiaries)), None)
    if listing is not None:
        name = next(b.name for b in listing.beneficiaries if b.kind == "commune")
        label = track_label(listing)  # named only when several acts open tracks: the question must say which
        several = sum(1 for r in records if r.beneficiaries) > 1
        where = f"au parcours « {label} »" if label and several else "au parcours" if label else "au programme"
        candidates.append(f"{est_ce_que(official_name(name) or name)} participe {where} ?")
    presided = next((r for r in records if r.president and r.body and r.session_date), None)
    if presided is not None:
        candidates.append(f"Qui a présidé la séance du {presided.body} du {french_date(presided.session_date)} ?")
    counted = next((r for r in records if r.reference and len(r.beneficiaries) > 1), None)
    if counted is not None:
        candidates.append(f"Combien de bénéficiaires la délibération {counted.reference} désigne-t-elle ?")
    candidates += _section_questions(view, {r.doc_id for r in records})
    kept = []
    for question in candidates:
        if answered is None or answered(question):
            kept.append(question)
        if len(kept) >= limit:
            break
    return kept


_INTERROGATIVE = re.compile(r"^(?:à |a |de |pour |par )?(?:qui|que|quoi|quel|quelle|quels|quelles|comment|pourquoi|combien|quand|où)\b",
                            re.IGNORECASE)
_ARTICLE_QUESTION = [(re.compile(r"^les\s", re.IGNORECASE), "Quelles sont "), (re.compile(r"^la\s", re.IGNORECASE), "Quelle est "),
                     (re.compile(r"^le\s", re.IGNORECASE), "Quel est "), (re.compile(r"^l['’]", re.IGNORECASE), "Quel est ")]


def _as_question(section: str) -> str | None:
    """« À qui s'adresse le programme » → itself, a question; « Les trois phases » → « Quelles sont
    les trois phases ? »; a title of another form is no question."""
    section = section.strip().rstrip(" ?.:")
    if _INTERROGATIVE.match(section):
        return section[0].upper() + section[1:] + " ?"
    for pattern, opening in _ARTICLE_QUESTION:
        if pattern.match(section):
            return opening + section[0].lower() + section[1:] + " ?"
    return None


def _section_questions(view: Generation, act_docs: set[str]) -> list[str]:
    """Questions made from the section titles of the documents that are not acts, in order."""
    titles = {dedup_key(e.title) for e in view.manifest.documents.values()}
    seen: set[str] = set()
    found = []
    for chunk in view.chunks.values():
        if chunk.metadata.get("doc_id") in act_docs:
            continue
        section = str(chunk.metadata.get("section") or "").strip()
        key = dedup_key(section)
        if not section or key in seen or key in titles or key in _STRUCTURE_SECTIONS:
            continue
        seen.add(key)
        question = _as_question(section)
        if question:
            found.append(question)
    return found
