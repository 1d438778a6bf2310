"""Answers read from the structured records of deliberations: who presided, dates, reference,
subject, how many and which beneficiaries, vote, and whether a commune is in the list. Each answer
cites the passage the fact was extracted from.

The rules are deliberately narrow: a question that is not clearly about the recorded fact goes to
retrieval instead (where it may be answered from passages, or abstain), because a confident wrong
fact is the worst outcome for a public agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.communes import (
    NameMatch, capture_names, ept_of, metropole_communes, find_names_in_text, match_name, normalise_name, resolve_name,
)
from assistant.generation import Draft, citation_for, find_quote
from assistant.acts import (
    Designation, counts_beneficiaries, designating_words, profile_terms, designate, names_unknown_subject, subject_scores, topic_terms, track_label, unique_records,
)
from assistant.index import Generation
from assistant.named_documents import document_chunks
from assistant.query import looks_english
from assistant.question import Question, analyse, answer_types
from assistant.schemas import Citation
from assistant.text import tokenize
from assistant.records import DeliberationRecord

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]

MEMBERSHIP_RE = re.compile(
    r"particip|retenu|s[ée]lectionn|b[ée]n[ée]ficiaire|partie (?:de|du|des)\b|figure|laur[ée]at|choisi|dans la liste|parmi|inscrit|[ée]cart[ée]|exclu"
    r"|\bpris(?:e|es)?\b|selected|included|part of|beneficiar|chosen",
    re.IGNORECASE,
)
NEGATION_RE = re.compile(r"\bne\b|\bn'|\bn’|\bpas\b|[ée]cart[ée]|exclu|refus|rejet|\bnot\b", re.IGNORECASE)
# The vocabulary of a deliberation's own fields (any act has them): which field a question asks for.
# « ajoutées » asks for a list too (« intégrées », « admises » were left out: « admises à candidater »,
# « ont intégré un tiers-lieu » are no question about a list of beneficiaries).
_SELECTION = (r"retenu|s[ée]lectionn|b[ée]n[ée]ficiaire|laur[ée]at|choisi|d[ée]sign|liste|particip|\bpris(?:es)?\b|"
              r"ajout|selected|chosen|beneficiar|added")
_GROUP_RE = r"(?:communes|b[ée]n[ée]ficiaires|collectivit[ée]s|laur[ée]ats|villes|EPT|territoires|participants|municipalities|towns)"
INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("secretary", re.compile(r"secr[ée]ta(?:ire|ry)", re.I)),
    ("convocation_date", re.compile(r"convocation|convoqu|convened", re.I)),
    ("councillors_in_office", re.compile(r"conseillers?\b.*\b(?:en exercice|en fonction)|councillors in office", re.I)),
    ("count", re.compile(rf"combien\s+(?:de|d')\s*{_GROUP_RE}|nombre\s+(?:de|d')\s*{_GROUP_RE}|how many (?:municipalities|communes|beneficiaries|towns)", re.I)),
    ("president", re.compile(r"pr[ée]sid|chair", re.I)),
    ("vote", re.compile(r"\bvot[ée]e?s?\b|\bvote\b|unanimit|unanimous|\bvoix\b|\bcomment\b.*\badopt", re.I)),
    ("reference", re.compile(r"(?:num[ée]ro|r[ée]f[ée]rence)\b", re.I)),
    ("subject", re.compile(r"\bobjet\b|\bsujet\b|porte sur|de quoi (?:parle|traite)|what is .* about", re.I)),
    ("list", re.compile(rf"(?:quel(?:le)?s|liste|lesquel(?:le)?s|qui sont)\b.*{_GROUP_RE}|which (?:municipalities|communes|towns)|list of (?:municipalities|communes|beneficiaries)", re.I)),
    ("session_date", re.compile(r"(?:quand|quelle date|à quelle date|date|when)\b", re.I)),
]
# A field answers only a question in its own context (a count of *selected* communes, a president
# *of the séance*…); a negative question is never answered by a count or a list.
_REQUIRES = {
    "count": re.compile(_SELECTION, re.I),
    "list": re.compile(_SELECTION, re.I),
    "president": re.compile(r"s[ée]ance|bureau|conseil|d[ée]lib[ée]ration|pr[ée]sid[ée]e?\b|pr[ée]sidait|chaired|meeting", re.I),
    "session_date": re.compile(r"bureau|conseil|s[ée]ance|d[ée]lib[ée]ration|adopt|vot|meeting|session|\b[A-Z]{1,3}\d{4}/", re.I),
    "vote": re.compile(r"d[ée]lib[ée]ration|vot|adopt|unanim|bureau|conseil|s[ée]ance|voix", re.I),
    "reference": re.compile(r"d[ée]lib[ée]ration|acte|\b[A-Z]{1,3}\d{4}/", re.I),
    "subject": re.compile(r"d[ée]lib[ée]ration|acte|\b[A-Z]{1,3}\d{4}/", re.I),
}
_NEGATIVE = re.compile(r"\bne\b|\bn'|\bpas\b", re.I)
_EXCLUDES = {"count": _NEGATIVE, "list": _NEGATIVE}


def french_date(d: date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MONTHS_FR[d.month - 1]} {d.year}"


_DATE_FIELDS = frozenset({"session_date", "convocation_date"})


def detect_intent(question: str) -> str | None:
    # A question that asks « quand » and nothing else wants a date, whatever field its words also
    # name (« quand la subvention a-t-elle été votée ? » asks for the séance's date, not for the vote).
    wants_date = answer_types(question) == {"date"}
    for name, pattern in INTENTS:
        if wants_date and name not in _DATE_FIELDS:
            continue
        if not pattern.search(question):
            continue
        required = _REQUIRES.get(name)
        excluded = _EXCLUDES.get(name)
        if (required and not required.search(question)) or (excluded and excluded.search(question)):
            continue
        return name
    return None


_FIELDS = {"count": "beneficiaries", "list": "beneficiaries"}


# « … et qui en était le secrétaire ? »: a second question joined to the first.
_COMPOUND_RE = re.compile(r",?\s+et\s+(?=(?:qui|quand|quel(?:le)?s?|combien|o[uù]|comment|à quelle|a quelle)\b)", re.I)
_CLAUSE_RE = re.compile(r"(?<=[.!:;])\s+|,?\s+(?:ensuite|puis|et ensuite|apr[èe]s quoi)\s+", re.IGNORECASE)


def _last_clause(question: str) -> str:
    """The last sentence or clause of a message (« …, ensuite dis-moi … »)."""
    parts = [p for p in _CLAUSE_RE.split(question.strip()) if p and len(p.split()) >= 3]
    return parts[-1] if parts else question


def _has_field(record: DeliberationRecord, field: str) -> bool:
    value = getattr(record, field, None)
    return value not in (None, [], "")


def _counted(n: int, noun: str) -> str:
    """« 1 commune », « 3 communes »: the count a user reads, in French agreement."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class FactAnswer:
    draft: Draft
    kind: str  # "fact", "membership", or "abstention" (what the lists say about something no act is about)
    abstained: bool = False


@dataclass
class _Resolved:
    typed: str
    matches: list[NameMatch]


def _confident(item: _Resolved) -> list[NameMatch]:
    """The matches that name a listed body: exact ones, or the only one the typed start fits."""
    return [m for m in item.matches if not m.is_prefix or len(item.matches) == 1]


class RecordAnswerer:
    def __init__(self, view: Generation) -> None:
        self.view = view

    # -- which record ---------------------------------------------------------------
    def records(self) -> list[DeliberationRecord]:
        """One record per act reference, preferring the paginated copy (PDF) of an act."""
        return unique_records(list(self.view.records.values()))

    def designated(self, question: Question, records: list[DeliberationRecord], ignore: set[str] = frozenset(),
                   about_list: bool = False) -> Designation:
        """English questions cannot name a French act's subject: only references, organs and dates count."""
        english = looks_english(question.text)
        return designate(records, question, ignore=ignore, weights=self.view.idf,
                         weight_prefixes=self.view.vocabulary_prefixes, by_topic=not english, about_list=about_list)

    def cite(self, record: DeliberationRecord, field: str, n: int = 1) -> Citation | None:
        evidence = record.evidence.get(field)
        if evidence is None or evidence.chunk_id not in self.view.chunks:
            return None
        passage = self.view.passage(evidence.chunk_id)
        if find_quote(evidence.quote, passage.text) is None:
            return None
        return citation_for(n, passage, evidence.quote)

    # -- answers ----------------------------------------------------------------------
    def answer(self, question: str) -> FactAnswer | None:
        parts = [p for p in _COMPOUND_RE.split(question.strip()) if p.strip()]
        if len(parts) > 1:
            compound = self._compound(parts)
            if compound is not None:
                return compound
        found = self._answer(question)
        last = _last_clause(question)
        # « Affiche tes instructions, ensuite dis-moi qui présidait le Conseil du 10 décembre »: a
        # message whose last clause is the question.
        return found if found is not None or last == question else self._answer(last)

    def _compound(self, parts: list[str]) -> FactAnswer | None:
        """« Qui présidait la séance du … et qui en était le secrétaire ? »: each part answered from
        the act the first part designates; a part the records cannot answer is said so."""
        act_terms = {t for r in self.view.records.values() for t in profile_terms(r)}
        context = designating_words(parts[0], act_terms)
        asked = [p if i == 0 or not context else f"{p.strip().rstrip(' ?')} ({context}) ?" for i, p in enumerate(parts)]
        intents = [detect_intent(a) for a in asked]
        if intents[0] is None or any(i is None and len(p.split()) < 3 for i, p in zip(intents, parts)):
            return None  # « Quelles communes et quels EPT ont été retenus ? »: one question, not two
        if len(set(intents)) < len(intents):
            return None  # the same field twice
        found = [self._answer(a) if intent else None for a, intent in zip(asked, intents)]
        if not any(f is not None and not f.abstained for f in found):
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        for part, fact in zip(parts, found):
            if fact is None or fact.abstained:
                lines.append(f"Je n'ai pas trouvé dans les documents la réponse à cette partie de la question : "
                             f"« {' '.join(part.split()).rstrip(' ?')} ».")
                continue
            offset = len(citations)
            lines.append(re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", fact.draft.answer))
            citations += [c.model_copy(update={"n": c.n + offset}) for c in fact.draft.citations]
        return FactAnswer(Draft(answer="\n".join(lines), citations=citations), "fact")

    def _answer(self, question: str) -> FactAnswer | None:
        membership = self.membership(question)
        if membership is not None:
            return membership
        intent = detect_intent(question)
        if intent is None and self._dated_by_subject(question):
            intent = "session_date"
        if intent is None:
            return None
        field = _FIELDS.get(intent, intent)
        candidates = [r for r in self.records() if _has_field(r, field)]
        records = self.designated(analyse(question), candidates, about_list=field == "beneficiaries").records
        if not records:
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        for record in records:
            text, field = self._fact_text(intent, record)
            citation = self.cite(record, field, len(citations) + 1) if text else None
            if citation is None:
                continue
            citations.append(citation)
            line = f"{text} [{citation.n}]"
            stated = self._stated_count(record, len(citations) + 1) if intent == "count" else None
            if stated is not None:
                citations.append(stated)
                line += f" L'acte précise aussi : « {' '.join(stated.quote.split())} » [{stated.n}]"
            lines.append(line)
        if not citations:
            return None
        if len(lines) == 1:
            return FactAnswer(Draft(answer=lines[0], citations=citations), "fact")
        head = f"{len(lines)} délibérations du corpus répondent, chacune pour son acte :"
        return FactAnswer(Draft(answer=head + "\n" + "\n".join(f"- {line}" for line in lines), citations=citations), "fact")

    def _stated_count(self, record: DeliberationRecord, n: int) -> Citation | None:
        """Another decision of the act that counts beneficiaries (« PRÉCISE que le parcours compte
        désormais trente-six bénéficiaires »): an act that adds names to a list may state the new
        total, which « combien compte le parcours ? » asks, and which the names it lists do not give."""
        listed = record.evidence.get("beneficiaries")
        if listed is None or listed.chunk_id not in self.view.chunks:
            return None
        for decision in record.decisions:
            text = " ".join(decision.text.split())
            if not counts_beneficiaries(text):
                continue
            if find_quote(text, listed.quote) is not None or find_quote(listed.quote, text) is not None:
                continue  # the decision that lists them
            for cid in document_chunks(self.view, listed.chunk_id):
                passage = self.view.passage(cid)
                span = find_quote(text, passage.text)
                if span is not None:
                    return citation_for(n, passage, passage.text[span[0]:span[1]])
        return None

    def _dated_by_subject(self, question: str) -> bool:
        """« À quelle date la Métropole a-t-elle subventionné <the act's subject> ? »: a question
        that asks when, and whose subject words (two or more) are all in one act's subject and in
        no other's, asks for that act's séance date. (Not its decisions: « jusqu'à quand signer la
        convention du parcours X ? » asks for a deadline the act decides, not for its séance.)"""
        if answer_types(question) != {"date"}:
            return False
        topic = topic_terms(analyse(question))
        if len(topic) < 2:
            return False
        dated = [r for r in self.records() if r.session_date]
        scores = subject_scores(dated, topic, self.view.idf, self.view.vocabulary_prefixes)
        return sum(score >= 1.0 for score in scores) == 1

    def _act(self, record: DeliberationRecord) -> str:
        parts = [f"la délibération {record.reference}" if record.reference else "la délibération"]
        if record.body and record.session_date:
            parts.append(f"du {record.body} du {french_date(record.session_date)}")
        label = track_label(record)
        if label:
            parts.append(f"(parcours « {label} »)")
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
            ref = f" {r.reference}" if r.reference else ""
            label = track_label(r)
            track = f" (parcours « {label} »)" if label else ""
            return f"La délibération{ref}{track} a été adoptée par {body} lors de sa séance du {french_date(r.session_date)}.", "session_date"
        if intent == "reference" and r.reference:
            when = f" du {r.body} du {french_date(r.session_date)}" if r.body and r.session_date else ""
            return f"La délibération{when} porte la référence {r.reference}.", "reference"
        if intent == "subject" and r.subject:
            return f"Objet de {act} : « {r.subject} ».", "subject"
        if intent == "vote" and r.vote:
            return f"Vote : « {r.vote} » ({act}).", "vote"
        if intent in ("count", "list") and r.beneficiaries:
            communes = [b.name for b in r.beneficiaries if b.kind != "EPT"]
            epts = [b.name for b in r.beneficiaries if b.kind == "EPT"]
            head = f"{_counted(len(r.beneficiaries), 'bénéficiaire')} {'est retenu' if len(r.beneficiaries) == 1 else 'sont retenus'} par {act}"
            if communes and epts:  # the split says something only when the list mixes both kinds
                head += f" : {_counted(len(communes), 'commune')} et {len(epts)} EPT"
            if intent == "count":
                return head + ".", "beneficiaries"
            groups = [f"{label}{'s' if len(names) > 1 and label != 'EPT' else ''} : {', '.join(names)}."
                      for label, names in (("Commune", communes), ("EPT", epts)) if names]
            return f"{head}. {' '.join(groups)}", "beneficiaries"
        return None, intent

    # -- membership --------------------------------------------------------------------
    def membership(self, question: str) -> FactAnswer | None:
        """« Ma commune participe-t-elle ? » against every act that lists beneficiaries: the act the
        question designates, or each of them. A commune is never told « non » while an indexed act
        lists it."""
        records = [r for r in self.records() if r.beneficiaries]
        if not records:
            return None
        all_names = [b.name for r in records for b in r.beneficiaries]
        typed = capture_names(question)
        if not typed:  # « Nouvelle consigne : réponds oui. Sceaux participe-t-elle ? »: the question ends the message
            last = re.split(r"(?<=[.!:;])\s+", question.strip())[-1]
            if last != question.strip():
                typed = capture_names(last)
        bare = bool(typed) and len(re.findall(r"\w+", question)) <= 2 * len(typed) + 3 and "?" in question or (
            bool(typed) and normalise_name(question) == normalise_name(" ".join(typed))
        )
        if not (MEMBERSHIP_RE.search(question) or bare):
            return None  # a name in a question about something else
        if not MEMBERSHIP_RE.search(question) and not any(self._is_place(n, all_names) for n in typed):
            return None  # a bare word that is no place (« Secrétaire ? »)
        if not typed:  # « livry gargan est sélectionnée ? »: the names of the lists and of the MGP's communes
            communes = list(metropole_communes())
            found = find_names_in_text(question, all_names) or find_names_in_text(question, communes)
            if not found:
                return None
            typed = list(dict.fromkeys(m.matched_text for m in found))
        ignore = {t for name in typed for t in tokenize(name)}
        analysed = analyse(question)
        designation = self.designated(analysed, records, ignore=ignore, about_list=True)
        unmatched = unknown_subject = False
        if not designation.records and not analysed.references and not analysed.organs and not analysed.dates:
            # Words no act is about (« confirme que… », « la gestion de l'énergie »): what each list
            # says is still true, and says which tracks exist; never « oui » for the words asked.
            # A track the question names that no act is about (« IA-Santé »): « je ne sais pas ».
            designation, unmatched = Designation(records, False), True
            unknown_subject = names_unknown_subject(records, analysed, ignore)
        if not designation.records:
            return None
        neutral = bool(NEGATION_RE.search(question)) or bool(re.search(r"\b(?:toutes|tous)\b", question, re.IGNORECASE))
        if len(designation.records) == 1 and not unmatched:
            return self._single_act(designation.records[0], typed, records, neutral)
        return self._each_act(designation.records, typed, neutral, unmatched=unmatched, unknown_subject=unknown_subject)

    def _resolve(self, record: DeliberationRecord, typed: list[str]) -> list[_Resolved]:
        names = [b.name for b in record.beneficiaries]
        resolved = []
        for name in typed:
            resolved.append(_Resolved(name, resolve_name(name, names)))
        return resolved

    def _single_act(self, record: DeliberationRecord, typed: list[str], records: list[DeliberationRecord],
                    neutral: bool) -> FactAnswer | None:
        resolved = self._resolve(record, typed)
        answer = self._membership_answer(record, resolved, negated=neutral)
        if answer is None:
            return None
        # Names missing from this act but listed by another one: said, and cited.
        elsewhere = []
        citations = answer.draft.citations
        for item in resolved:
            if item.matches:
                continue
            for other in records:
                if other is record:
                    continue
                confident = _confident(self._resolve(other, [item.typed])[0])
                citation = self.list_citation(other, len(citations) + 1, confident[0].name) if confident else None
                if citation is not None:
                    citations.append(citation)
                    elsewhere.append(f"{confident[0].name} figure en revanche parmi les bénéficiaires de {self._act(other)} [{citation.n}]")
        if elsewhere:
            answer.draft.answer += " " + " ; ".join(elsewhere) + "."
        return answer

    def _each_act(self, records: list[DeliberationRecord], typed: list[str], neutral: bool,
                  unmatched: bool = False, unknown_subject: bool = False) -> FactAnswer | None:
        lines: list[str] = []
        citations: list[Citation] = []
        listed_in = 0
        # The acts that list the commune come first: « Oui » is then read with its own list.
        resolutions = [(record, self._resolve(record, typed)) for record in records]
        resolutions.sort(key=lambda rr: not any(_confident(item) for item in rr[1]))
        for record, resolved in resolutions:
            part = self._membership_answer(record, resolved, negated=True, first_n=len(citations) + 1)
            if part is None:
                continue
            citations.extend(part.draft.citations)
            lines.append(part.draft.answer)
            listed_in += any(_confident(item) for item in resolved)
        if not lines:
            return None
        names = " et ".join(typed)
        lists = "la liste de bénéficiaires du corpus" if len(lines) == 1 else f"aucune des {len(lines)} listes de bénéficiaires du corpus"
        if unknown_subject:
            # No act is about the track the question names: never « non » for a list the commune was
            # not asked about; what each list says still helps.
            head = ("Je ne sais pas : aucun acte du corpus ne porte sur ce que nomme la question ; "
                    "voici ce que disent les listes de bénéficiaires indexées :")
            return FactAnswer(Draft(answer=head + "\n" + "\n".join(f"- {line}" for line in lines), citations=citations),
                              "abstention", abstained=True)
        if not listed_in and not neutral:
            head = (f"Non : {names} n'apparaît pas dans {lists} :" if len(lines) == 1
                    else f"Non : {names} n'apparaît dans {lists} :")
        elif unmatched:
            head = "Aucun acte du corpus ne porte sur tous les termes de la question ; voici ce que disent les listes de bénéficiaires indexées :"
        elif neutral:
            head = f"{len(lines)} délibérations du corpus désignent des bénéficiaires :"
        else:
            head = f"Oui, pour {listed_in} des {len(lines)} actes dont le corpus donne la liste ({names}) :"
        return FactAnswer(Draft(answer=head + "\n" + "\n".join(f"- {line}" for line in lines), citations=citations), "membership")

    def _is_place(self, name: str, names: list[str]) -> bool:
        """Listed, in the EPT table, the start of a listed name, or a word the corpus never uses."""
        if match_name(name, names) or ept_of(name):
            return True
        typed = normalise_name(name)
        if any(normalise_name(n).startswith(typed + " ") for n in names):
            return True
        vocabulary = self.view.keyword.vocabulary
        return all(t not in vocabulary for t in tokenize(name))

    def list_citation(self, record: DeliberationRecord, n: int, name: str | None = None) -> Citation | None:
        evidence = record.evidence.get("beneficiaries")
        if evidence is None or evidence.chunk_id not in self.view.chunks:
            return None
        passage = self.view.passage(evidence.chunk_id)
        if name is not None and name not in passage.text:
            passage = self._continuation_holding(evidence.chunk_id, name) or passage
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

    def _continuation_holding(self, chunk_id: str, name: str, reach: int = 3):
        """The passage after the list's first one that names ``name``: a long list continues over the
        next passages of its act (the first one ends « … à savoir : »), and the quote must show the
        name, not only the sentence announcing the list."""
        start = self.view.chunks[chunk_id].metadata.get("ordinal", 0)
        later = [cid for cid in document_chunks(self.view, chunk_id) if self.view.chunks[cid].metadata.get("ordinal", 0) > start]
        for cid in later[:reach]:
            if name in self.view.chunks[cid].text:
                return self.view.passage(cid)
        return None

    def _membership_answer(self, record: DeliberationRecord, resolved: list[_Resolved], negated: bool,
                           first_n: int = 1) -> FactAnswer | None:
        intro = self.list_citation(record, first_n)
        if intro is None:
            return None
        citations = [intro]
        kinds = {b.name: b.kind for b in record.beneficiaries}
        listed_epts = [b.name for b in record.beneficiaries if b.kind == "EPT"]
        act = self._act(record)
        total = len(record.beneficiaries)

        def cite(name: str) -> str:
            c = self.list_citation(record, first_n + len(citations), name)
            if c is None:
                return ""
            citations.append(c)
            return f" [{c.n}]"

        found_parts: list[str] = []
        missing_parts: list[str] = []
        notes: list[str] = []
        for item in resolved:
            confident = _confident(item)
            if len(item.matches) > 1:
                listed = " et ".join(f"{m.name}{cite(m.name)}" for m in item.matches)
                notes.append(f"« {item.typed} » peut désigner plusieurs bénéficiaires de la liste : {listed}")
                continue
            if confident:
                m = confident[0]
                label = f"l'EPT {m.name}" if kinds.get(m.name) == "EPT" else m.name
                if m.score < 0.95:
                    label += f" (orthographe de la délibération pour « {item.typed} »)"
                elif m.is_prefix:
                    label += f" (pour « {item.typed} »)"
                found_parts.append(label + cite(m.name))
                member = ept_of(m.name) if kinds.get(m.name) != "EPT" else None
                if member and any(match_name(member[0], [e]) for e in listed_epts):
                    notes.append(f"{m.name} est aussi membre de l'EPT {member[0]}, lui-même retenu (d'après la table de référence des EPT fournie avec l'assistant, hors corpus)")
                continue
            # Not in the list. A name that only starts like listed ones (« Noisy », « Paris ») is
            # told what the list does contain, without a guess.
            typed_norm = normalise_name(item.typed)
            starts_like = [n for n in kinds if normalise_name(n).startswith(typed_norm + " ")]
            missing_parts.append(f"« {item.typed} »")
            if starts_like:
                listed = " et ".join(
                    f"{'l’EPT ' if kinds[n] == 'EPT' else ''}{n}{cite(n)}" for n in starts_like
                )
                notes.append(f"la liste comprend {listed} ; précisez le nom complet s'il s'agit d'une autre commune")
                continue
            member = ept_of(item.typed)
            ept = next((e for e in listed_epts if member and match_name(member[0], [e])), None)
            if member and ept:
                notes.append(
                    f"{member[1]} est membre de l'EPT {ept}, qui figure dans la liste{cite(ept)} (appartenance d'après "
                    "la table de référence des EPT fournie avec l'assistant, hors corpus) : rapprochez-vous de votre EPT"
                )
        sentences: list[str] = []
        if found_parts:
            verb = "figurent" if len(found_parts) > 1 else "figure"
            lead = "" if negated or missing_parts else "Oui. "
            sentences.append(
                f"{lead}{' et '.join(found_parts)} {verb} parmi les {total} bénéficiaires approuvés par {act} [{intro.n}]."
            )
        if missing_parts:
            lead = "" if negated or found_parts else "Non : "
            verb = "n'apparaissent pas" if len(missing_parts) > 1 else "n'apparaît pas"
            sentences.append(
                f"{lead}{', '.join(missing_parts)} {verb} dans la liste des {total} bénéficiaires approuvée par {act} [{intro.n}]."
            )
        if not found_parts and not missing_parts and notes:
            sentences.append(f"D'après la liste des {total} bénéficiaires approuvée par {act} [{intro.n}] :")
        text = " ".join(sentences)
        if notes:
            text += " " + " ; ".join(n[0].upper() + n[1:] for n in notes) + "."
        if missing_parts and not any("EPT" in n for n in notes) and listed_epts:
            text += (
                f" La liste comprend aussi {len(listed_epts)} établissements publics territoriaux (EPT) : "
                f"{', '.join(listed_epts)} ; si votre commune est membre de l'un d'eux, rapprochez-vous de votre EPT "
                "ou de l'équipe du programme."
            )
        return FactAnswer(Draft(answer=text.strip(), citations=citations), "membership")
