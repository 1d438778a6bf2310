"""Answers read from the structured records of deliberations: who presided, dates, reference,
how many and which beneficiaries, vote, and whether a commune is in the list. Each answer cites
the passage the fact was extracted from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.communes import NameMatch, capture_name, ept_of, find_names_in_text, match_name
from assistant.generation import Draft, citation_for, find_quote
from assistant.index import IndexView
from assistant.schemas import Citation, Passage
from ingest.records import DeliberationRecord

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]

MEMBERSHIP_RE = re.compile(
    r"particip|retenu|s[ée]lectionn|b[ée]n[ée]ficiaire|fait partie|font partie|figure|[ée]ligible|laur[ée]at|choisi|dans la liste|parmi|inscrit"
    r"|selected|included|part of|beneficiar|chosen",
    re.IGNORECASE,
)
_GROUP_RE = r"(?:communes|b[ée]n[ée]ficiaires|collectivit[ée]s|laur[ée]ats|villes|EPT|territoires|participants|candidats retenus)"
INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("secretary", re.compile(r"secr[ée]ta(?:ire|ry)", re.I)),
    ("convocation_date", re.compile(r"convocation|convoqu|convened|notice of (?:the )?meeting", re.I)),
    ("councillors_in_office", re.compile(r"conseillers?\b.*exercice|combien de conseillers|nombre de conseillers|how many councillors", re.I)),
    ("count", re.compile(rf"combien\s+(?:de|d')\s*{_GROUP_RE}|nombre\s+(?:de|d')\s*{_GROUP_RE}|how many (?:municipalities|communes|beneficiaries|towns)", re.I)),
    ("president", re.compile(r"pr[ée]sid|chair", re.I)),
    ("vote", re.compile(r"\bvot[ée]|\bvote\b|unanimit|majorit[ée]|unanimous", re.I)),
    ("reference", re.compile(r"(?:num[ée]ro|r[ée]f[ée]rence)\b", re.I)),
    ("subject", re.compile(r"\bobjet\b|\bsujet\b|porte sur|de quoi (?:parle|traite)|que d[ée]cide|what is .* about", re.I)),
    ("list", re.compile(rf"(?:quel(?:le)?s|liste|lesquel(?:le)?s|qui sont)\b.*{_GROUP_RE}|{_GROUP_RE}.*\b(?:retenu|s[ée]lectionn|choisi)|which (?:municipalities|communes|towns)|list of (?:municipalities|communes|beneficiaries)", re.I)),
    ("session_date", re.compile(r"(?:quand|quelle date|à quelle date|date|when)\b", re.I)),
]
_SESSION_DATE_CONTEXT = re.compile(r"bureau|s[ée]ance|BM\d{4}|s[ée]lection|retenu|ouvert|ouverture|parcours|d[ée]sign|d[ée]lib[ée]ration|meeting|session|selected", re.I)
_SESSION_DATE_EXCLUDE = re.compile(r"lanc|strat[ée]gie|candidat|d[ée]p[ôo]t|formation|atelier|exp[ée]riment|convention", re.I)


def french_date(d: date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MONTHS_FR[d.month - 1]} {d.year}"


def detect_intent(question: str) -> str | None:
    for name, pattern in INTENTS:
        if pattern.search(question):
            if name == "session_date" and (
                not _SESSION_DATE_CONTEXT.search(question) or _SESSION_DATE_EXCLUDE.search(question)
            ):
                continue
            if name in ("reference", "subject") and not re.search(r"d[ée]lib[ée]ration|acte|BM\d|CM\d", question, re.I):
                continue
            return name
    return None


@dataclass
class FactAnswer:
    draft: Draft
    kind: str  # "fact" or "membership"


class FactAnswerer:
    def __init__(self, view: IndexView) -> None:
        self.view = view

    # -- which record ---------------------------------------------------------------
    def records(self) -> list[DeliberationRecord]:
        """One record per act reference, preferring the paginated copy (PDF) of an act."""
        by_ref: dict[str, DeliberationRecord] = {}
        for record in self.view.records.values():
            key = record.reference or record.doc_id
            kept = by_ref.get(key)
            has_pages = any(e.page is not None for e in record.evidence.values())
            if kept is None or (has_pages and not any(e.page is not None for e in kept.evidence.values())):
                by_ref[key] = record
        return list(by_ref.values())

    def record_for(self, question: str) -> DeliberationRecord | None:
        records = self.records()
        mentioned = [r for r in records if r.reference and r.reference.lower() in question.lower()]
        if mentioned:
            return mentioned[0]
        return records[0] if len(records) == 1 else None

    def _passage(self, chunk_id: str) -> Passage:
        chunk = self.view.chunks[chunk_id]
        return Passage(chunk_id=chunk_id, text=chunk.text, metadata=chunk.metadata)

    def _cite(self, record: DeliberationRecord, field: str, n: int = 1) -> Citation | None:
        evidence = record.evidence.get(field)
        if evidence is None or evidence.chunk_id not in self.view.chunks:
            return None
        passage = self._passage(evidence.chunk_id)
        if find_quote(evidence.quote, passage.text) is None:
            return None
        return citation_for(n, passage, evidence.quote)

    # -- answers ----------------------------------------------------------------------
    def answer(self, question: str) -> FactAnswer | None:
        intent = detect_intent(question)
        membership = self.membership(question, allow_capture=intent not in ("count", "list"))
        if membership is not None:
            return membership
        if intent is None:
            return None
        record = self.record_for(question)
        if record is None:
            return None
        text, field = self._fact_text(intent, record)
        if text is None:
            return None
        citation = self._cite(record, field)
        if citation is None:
            return None
        return FactAnswer(Draft(answer=f"{text} [1]", citations=[citation]), "fact")

    def _act(self, record: DeliberationRecord) -> str:
        parts = [f"la délibération {record.reference}" if record.reference else "la délibération"]
        if record.body and record.session_date:
            parts.append(f"du {record.body} du {french_date(record.session_date)}")
        return " ".join(parts)

    def _fact_text(self, intent: str, r: DeliberationRecord) -> tuple[str | None, str]:
        act = self._act(r)
        if intent == "president" and r.president:
            return f"La séance était présidée par {r.president} ({act}).", "president"
        if intent == "secretary" and r.secretary:
            return f"Le secrétaire de séance était {r.secretary} ({act}).", "secretary"
        if intent == "convocation_date" and r.convocation_date:
            return f"La convocation est datée du {french_date(r.convocation_date)} ({act}).", "convocation_date"
        if intent == "councillors_in_office" and r.councillors_in_office is not None:
            return f"{r.councillors_in_office} conseillers étaient en exercice ({act}).", "councillors_in_office"
        if intent == "session_date" and r.session_date:
            body = f"le {r.body}" if r.body else "l'assemblée"
            return (
                f"La délibération {r.reference or ''} a été adoptée par {body} lors de sa séance du "
                f"{french_date(r.session_date)}.".replace("  ", " "),
                "session_date",
            )
        if intent == "subject" and r.subject:
            return f"Objet de {act} : « {r.subject} ».", "subject"
        if intent == "reference" and r.reference:
            when = f" du {r.body} du {french_date(r.session_date)}" if r.body and r.session_date else ""
            return f"La délibération{when} porte la référence {r.reference}.", "reference"
        if intent == "vote" and r.vote:
            return f"Vote : « {r.vote} » ({act}).", "vote"
        if intent in ("count", "list") and r.beneficiaries:
            communes = [b.name for b in r.beneficiaries if b.kind != "EPT"]
            epts = [b.name for b in r.beneficiaries if b.kind == "EPT"]
            head = f"{len(r.beneficiaries)} bénéficiaires sont retenus par {act} : {len(communes)} communes et {len(epts)} EPT"
            if intent == "count":
                return head + ".", "beneficiaries"
            return f"{head}. Communes : {', '.join(communes)}. EPT : {', '.join(epts)}.", "beneficiaries"
        return None, intent

    # -- membership --------------------------------------------------------------------
    def membership(self, question: str, allow_capture: bool = True) -> FactAnswer | None:
        records = [r for r in self.records() if r.beneficiaries]
        if not records:
            return None
        record = self.record_for(question) if len(records) > 1 else records[0]
        if record is None or not record.beneficiaries:
            return None
        names = [b.name for b in record.beneficiaries]
        matches = find_names_in_text(question, names)
        asks_membership = bool(MEMBERSHIP_RE.search(question))
        if not matches:
            if not asks_membership or not allow_capture:
                return None
            captured = capture_name(question)
            if captured is None or match_name(captured, names):
                return None
            return self._not_in_list(record, captured)
        if not asks_membership and len(question.split()) > 6:
            return None  # a name in a question about something else
        return self._in_list(record, matches, capture_name(question))

    def _list_citation(self, record: DeliberationRecord, n: int, name: str | None = None) -> Citation | None:
        evidence = record.evidence.get("beneficiaries")
        if evidence is None or evidence.chunk_id not in self.view.chunks:
            return None
        passage = self._passage(evidence.chunk_id)
        text = passage.text
        if name is None:
            m = re.search(r"(?:APPROUVE|DÉCIDE|DESIGNE|DÉSIGNE)[^:]*:", text)
            quote = m.group(0) if m else evidence.quote[:300]
        else:
            idx = text.find(name)
            if idx < 0:
                return None
            start = text.rfind(",", 0, idx)
            start = text.rfind(",", 0, start) + 1 if start > 0 else max(0, idx)
            end = text.find(",", idx + len(name))
            end = text.find(",", end + 1) if end >= 0 else -1
            quote = text[start : end if end >= 0 else len(text)].strip(" ,\n")
        if find_quote(quote, text) is None:
            return None
        return citation_for(n, passage, quote)

    def _in_list(self, record: DeliberationRecord, matches: list[NameMatch], typed: str | None) -> FactAnswer | None:
        intro = self._list_citation(record, 1)
        if intro is None:
            return None
        citations = [intro]
        kinds = {b.name: b.kind for b in record.beneficiaries}
        labels: list[str] = []
        notes: list[str] = []
        for m in matches:
            c = self._list_citation(record, len(citations) + 1, m.name)
            if c is not None:
                citations.append(c)
            label = f"l'EPT {m.name}" if kinds.get(m.name) == "EPT" else m.name
            if m.score < 0.95:  # spelled differently in the act (« Reuil Malmaison »)
                label += f" (orthographe de la délibération pour « {typed or m.matched_text} »)"
            label += f" [{c.n}]" if c else ""
            member = ept_of(m.name) if kinds.get(m.name) != "EPT" else None
            if member and any(k == "EPT" and match_name(member[0], [n]) for n, k in kinds.items()):
                notes.append(f"{m.name} est aussi membre de l'EPT {member[0]}, lui-même retenu")
            labels.append(label)
        act = self._act(record)
        total = len(record.beneficiaries)
        if len(matches) > 1 and len({m.matched_text for m in matches}) == 1:
            text = (
                f"Plusieurs bénéficiaires correspondent à « {typed or matches[0].matched_text} », et tous figurent "
                f"parmi les {total} bénéficiaires du parcours approuvés par {act} [1] : {' ; '.join(labels)}."
            )
        else:
            verb = "figurent" if len(matches) > 1 else "figure"
            text = f"Oui. {' et '.join(labels)} {verb} parmi les {total} bénéficiaires du parcours approuvés par {act} [1]."
        if notes:
            text += " " + " ; ".join(notes) + " (appartenance d'après la table de référence des EPT fournie avec l'assistant, hors corpus)."
        return FactAnswer(Draft(answer=text, citations=citations), "membership")

    def _not_in_list(self, record: DeliberationRecord, name: str) -> FactAnswer | None:
        intro = self._list_citation(record, 1)
        if intro is None:
            return None
        citations = [intro]
        epts = [b.name for b in record.beneficiaries if b.kind == "EPT"]
        text = (
            f"Non : « {name} » n'apparaît pas dans la liste des {len(record.beneficiaries)} bénéficiaires du parcours "
            f"approuvée par {self._act(record)} [1]."
        )
        membership = ept_of(name)
        listed_ept = next((e for e in epts if membership and match_name(membership[0], [e])), None)
        if membership and listed_ept:
            c = self._list_citation(record, 2, listed_ept)
            if c is not None:
                citations.append(c)
            marker = f" [{c.n}]" if c else ""
            text += (
                f" En revanche, {membership[1]} est membre de l'EPT {listed_ept}, qui figure dans la liste{marker} "
                "(appartenance d'après la table de référence des EPT fournie avec l'assistant, hors corpus). "
                "Rapprochez-vous de votre EPT pour savoir comment ses communes sont associées au parcours."
            )
        elif epts:
            text += (
                f" La liste comprend aussi {len(epts)} établissements publics territoriaux (EPT) : {', '.join(epts)} ; "
                "si votre commune est membre de l'un d'eux, rapprochez-vous de votre EPT ou de l'équipe du programme."
            )
        return FactAnswer(Draft(answer=text, citations=citations), "membership")
