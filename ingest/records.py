"""Extraction of a deliberation's structured record (schema: :mod:`assistant.records`) at ingestion.

Each field comes with the evidence it was read from (quote and character span), so the assistant
can answer « qui présidait ? » or « ma commune est-elle retenue ? » from the record and still cite
the passage. Extraction is pattern-based and conservative: on an unfamiliar layout a field stays
empty rather than wrong.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.records import (
    ACT_REF, ACT_REF_RE, LAW_REF_RE, Beneficiary, Decision, DeliberationRecord, Evidence, Visa, parse_french_date,
)
from assistant.communes import is_known_place
from ingest.chunking import Chunk
from ingest.chunking import DECISION_RE

def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip(" ,;")


# A name may be written with its kind in front: « l'EPT Est Ensemble », « l'établissement public
# territorial … », « la commune de Sceaux », « la ville d'Antony », « la commune du Plessis-Robinson »
# (du, des: the name's own article, « Le Plessis-Robinson »); or behind: « Est Ensemble (EPT) ». The
# commune's kind needs its article: « Ville d'Avray » is a name.
_KIND_BEFORE_RE = re.compile(
    r"^(?:(?:l['’]\s*)?(?P<ept>EPT|[ÉE]tablissement public territorial)\s+"
    r"|la\s+(?:commune|ville)\s+(?:de\s+|d['’]\s*|(?P<article>du|des)\s+))",
    re.IGNORECASE,
)
_CONTRACTED_ARTICLE = {"du": "Le", "des": "Les"}
_KIND_AFTER_RE = re.compile(r"\s*\((?:EPT|[ÉE]tablissement public territorial)\)\s*$", re.IGNORECASE)
# « et » ends a list before a name (a capital) or before a name written with its kind (any case:
# an act may be typed in capitals).
_LAST_NAME_RE = re.compile(
    r"\s+(?i:et)\s+(?=[A-ZÉÈ]|(?i:l['’]\s*(?:EPT|[ée]tablissement)\b|la\s+(?:commune|ville)\s))")


def _split_names(text: str) -> list[str]:
    """The names of « A, B et C »; a name that holds « et » itself (the EPT « Paris Est Marne et
    Bois ») is kept whole when the Métropole's table knows it so."""
    names: list[str] = []
    for part in re.split(r",\s*", _clean(text).rstrip(".")):
        cuts = [0, *(x for m in _LAST_NAME_RE.finditer(part) for x in m.span()), len(part)]
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if part[a:b].strip()]
        i = 0
        while i < len(spans):  # joined as written (« ET » in an act typed in capitals)
            j = next((j for j in range(len(spans), i + 1, -1) if _known(part[spans[i][0]:spans[j - 1][1]])), i + 1)
            names.append(part[spans[i][0]:spans[j - 1][1]].strip())
            i = j
    return names


def _beneficiary(raw: str) -> Beneficiary:
    """The bare name and its kind: an EPT when written so before or after its name."""
    before = _KIND_BEFORE_RE.match(raw)
    if before and before.end() == len(raw):  # a kind with no name after it (« l'EPT ») stays as written
        before = None
    name = raw[before.end():] if before else raw
    if before and before.group("article"):
        name = f"{_CONTRACTED_ARTICLE[before.group('article').lower()]} {name}"
    bare = _KIND_AFTER_RE.sub("", name).strip()
    is_ept = bool(before and before.group("ept")) or bare != name.strip()
    return Beneficiary(name=bare, kind="EPT" if is_ept else "commune")


def _known(name: str) -> bool:
    return is_known_place(_beneficiary(name).name)


_HEADER_STOP_RE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\*\*)?(?:Vu\b|Consid[ée]rant\b|APR[ÈE]S EN AVOIR|Article\s+(?:\d+|premier|1er)\b)",
    re.IGNORECASE | re.MULTILINE,
)
# A list of beneficiaries announced by the act: « la liste des communes …, à savoir : », « Sont
# désignés bénéficiaires … : », « sont retenus les lauréats suivants : » (the names are then checked).
_ANNOUNCED_LIST_RE = re.compile(
    r"(?:liste des (?:communes|b[ée]n[ée]ficiaires|laur[ée]ats|candidats|collectivit[ée]s)\b[^:.;]*?"
    r"(?:à savoir|a savoir|suivante?s|ci-apr[èe]s)"
    r"|(?:b[ée]n[ée]ficiaires|laur[ée]ats|retenu(?:e)?s|d[ée]sign[ée]e?s|s[ée]lectionn[ée]e?s)\b[^:.;]{0,200}?)\s*:\s*",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"\.(?=\s*$|\s+[A-ZÉÈÀÂÎÔ])|\n\s*\n", re.MULTILINE)
_NAME_RE = re.compile(r"^[A-ZÉÈÀÂÎÔÇ][\w’'. -]*(?:\s*\((?:EPT|[ÉE]tablissement public territorial)\))?$", re.IGNORECASE)


class _Extractor:
    def __init__(self, doc_id: str, text: str, chunks: list[Chunk]) -> None:
        self.text = text
        self.chunks = chunks
        self.record = DeliberationRecord(doc_id=doc_id)
        # Header fields are only read before the first visa: later text cites other acts.
        stop = _HEADER_STOP_RE.search(text)
        self.header_end = stop.start() if stop else min(len(text), 3000)
        self.head = text[: self.header_end]

    def evidence(self, field: str, start: int, end: int) -> None:
        chunk = next((c for c in self.chunks if c.char_start <= start < c.char_end), None)
        # The quote is cut to the chunk so that it appears verbatim in the cited chunk.
        if chunk is not None:
            end = min(end, chunk.char_end)
        self.record.evidence[field] = Evidence(
            quote=self.text[start:end].strip(),
            char_start=start,
            char_end=end,
            page=chunk.page if chunk else None,
            chunk_id=chunk.chunk_id if chunk else None,
        )

    def labelled(self, field: str, pattern: str) -> re.Match[str] | None:
        """« LABEL : value » on one line of the header; an empty value is no value."""
        m = re.search(
            r"^[ \t]*(?:[-*•][ \t]*)?(?:\*\*)?" + pattern + r"[ \t]*:[ \t]*(?:\*\*)?([^\n]*\S)",
            self.head,
            re.IGNORECASE | re.MULTILINE,
        )
        if m:
            start = m.start()
            while start < m.end() and self.text[start] in " \t-*•":
                start += 1
            self.evidence(field, start, m.end(1))
        return m

    def run(self) -> DeliberationRecord:
        r, head = self.record, self.head
        self._reference_and_subject()

        m = re.search(
            r"S[ÉE]ANCE DU (BUREAU|CONSEIL(?: MUNICIPAL| DE LA M[ÉE]TROPOLE| M[ÉE]TROPOLITAIN| DE TERRITOIRE)?)", head, re.IGNORECASE
        )
        if m:
            r.body = m.group(1).capitalize()
        elif r.reference and r.reference[:2] in ("BM", "CM", "BT", "CT"):
            r.body = {"BM": "Bureau", "CM": "Conseil", "BT": "Bureau", "CT": "Conseil"}[r.reference[:2]]
        elif re.search(r"^[^\n]*\bDU CONSEIL MUNICIPAL\b|^\s*Le Conseil municipal\b", head, re.IGNORECASE | re.MULTILINE):
            r.body = "Conseil municipal"

        self._session_date()

        m = self.labelled("convocation_date", r"DATE (?:D'ENVOI |D’ENVOI )?DE (?:LA )?CONVOCATION")
        if m:
            r.convocation_date = parse_french_date(m.group(1))
            if r.convocation_date is None:
                r.evidence.pop("convocation_date", None)

        m = self.labelled("councillors_in_office", r"NOMBRE DE (?:CONSEILLERS|MEMBRES)(?: [\w-]+)? EN EXERCICE")
        number = re.fullmatch(r"(\d+)", m.group(1).strip()) if m else None
        if number:
            r.councillors_in_office = int(number.group(1))
        else:
            r.evidence.pop("councillors_in_office", None)

        m = self.labelled("president", r"PR[ÉE]SIDENT(?:E)? DE (?:LA )?S[ÉE]ANCE")
        if m:
            r.president = _clean(m.group(1).split(",")[0])
        else:
            m = re.search(
                r"^[ \t]*Sous la pr[ée]sidence de (?:M\.|Mme|Madame|Monsieur)[ \t]+([^,\n]+)",
                head, re.IGNORECASE | re.MULTILINE,
            )
            if m:
                r.president = _clean(m.group(1))
                self.evidence("president", m.start(), m.end())

        m = self.labelled("secretary", r"SECR[ÉE]TAIRE DE (?:LA )?S[ÉE]ANCE")
        if m:
            r.secretary = _clean(re.sub(r"^(?:M\.|Mme|Madame|Monsieur)\s+", "", m.group(1).split(",")[0].strip()))

        for chunk in self.chunks:
            body = _clean(chunk.text)
            if chunk.block_type == "visa":
                refs = [x.group(0) for x in ACT_REF_RE.finditer(body)] + [x.group(0) for x in LAW_REF_RE.finditer(body)]
                r.visas.append(Visa(text=body, references=list(dict.fromkeys(refs))))
            elif chunk.block_type == "considerant":
                r.considerants.append(body)
            elif chunk.block_type in ("decision", "article"):
                self._decision(chunk)
            elif chunk.block_type == "vote" and r.vote is None:
                lines = [_clean(line) for line in chunk.text.split("\n") if line.strip()]
                # A line that does not end its statement continues on the next one (PDF wrapping).
                def separator(line: str, following: str) -> str:
                    wrapped = not line.endswith((".", ";", ":")) and not line[-1].isdigit() and ":" not in following
                    return " " if wrapped else "; "

                r.vote = "".join(
                    line + ("" if i == len(lines) - 1 else separator(line, lines[i + 1])) for i, line in enumerate(lines)
                ).replace(";;", ";")
                self.evidence("vote", chunk.char_start, chunk.char_end)
        if r.visas:
            first = next(c for c in self.chunks if c.block_type == "visa")
            self.evidence("visas", first.char_start, first.char_end)
        return r

    def _reference_and_subject(self) -> None:
        r, text, head = self.record, self.text, self.head
        m = re.search(rf"^\W*({ACT_REF})[ \t]*:[ \t]*", head, re.MULTILINE)
        if m:
            r.reference = m.group(1)
            stop = len(head)
            for pattern in (r"\n\s*\n", r"\n\s*(?:DATE DE|NOMBRE DE|PR[ÉE]SIDENT|SECR[ÉE]TAIRE|LE BUREAU|LE CONSEIL)"):
                nxt = re.compile(pattern).search(text, m.end(), self.header_end)
                if nxt:
                    stop = min(stop, nxt.start())
            r.subject = _clean(text[m.end() : stop]) or None
            self.evidence("reference", m.start(1), stop)
            self.evidence("subject", m.start(1), stop)
            return
        m = re.search(r"D[ÉE]LIB[ÉE]RATION\s+N[°o]\s*([A-Z0-9][\w/.-]*\d)", head, re.IGNORECASE)
        if m:
            r.reference = m.group(1)
            self.evidence("reference", m.start(), m.end())
        m = re.search(r"^[ \t]*(?:\*\*)?Objet[ \t]*:[ \t]*([^\n]*\S)", head, re.IGNORECASE | re.MULTILINE)
        if m:
            r.subject = _clean(m.group(1))
            self.evidence("subject", m.start(1), m.end(1))

    def _session_date(self) -> None:
        """« SÉANCE DU … <date> » on its line or the next one (blank lines aside: a DOCX writes each
        line as a paragraph), unless that line is another label."""
        r = self.record
        for m in re.finditer(r"S[ÉE]ANCE DU[^\n]*", self.head, re.IGNORECASE):
            span_end = m.end()
            found = parse_french_date(m.group(0))
            if found is None:
                nxt = re.match(r"\n(?:[ \t]*\n)?([^\n:]*)(?=\n|$)", self.head[m.end() :])
                if nxt:
                    found = parse_french_date(nxt.group(1))
                    span_end = m.end() + nxt.end()
            if found is None:
                continue
            ref = ACT_REF_RE.search(r.reference or "")
            if ref:
                ref_date = date(int(ref.group(2)), int(ref.group(3)), int(ref.group(4)))
                if found != ref_date:
                    r.warnings.append(
                        f"date de séance {found.isoformat()} différente de celle de la référence "
                        f"{ref_date.isoformat()} : date laissée vide"
                    )
                    return
            r.session_date = found
            self.evidence("session_date", m.start(), span_end)
            return

    def _decision(self, chunk: Chunk) -> None:
    
        text = chunk.text
        # Skip the « APRÈS EN AVOIR DÉLIBÉRÉ » marker that opens the first decision.
        offset = 0
        for line in text.split("\n"):
            if DECISION_RE.match(line.strip()):
                break
            offset += len(line) + 1
        body = text[offset:]
        m = DECISION_RE.match(body.strip())
        if m:
            self.record.decisions.append(Decision(verb=m.group(1), text=_clean(body)))
        elif chunk.block_type == "article":  # « Article 2 : Sont désignés bénéficiaires … : »
            offset, body = 0, text
            self.record.decisions.append(Decision(verb="ARTICLE", text=_clean(body)))
        else:
            return
        intro = _ANNOUNCED_LIST_RE.search(body)
        if not intro or self.record.beneficiaries:
            return
        # The list runs to the end of its sentence, across chunk boundaries if the unit was split.
        start = chunk.char_start + offset + intro.end()
        end_match = _SENTENCE_END_RE.search(self.text, start)
        end = end_match.start() if end_match else len(self.text)
        names = _split_names(self.text[start:end])
        if not names or not all(_NAME_RE.match(n) and len(n) <= 80 for n in names):
            self.record.warnings.append("liste de bénéficiaires non reconnue : laissée vide")
            return
        self.record.beneficiaries.extend(_beneficiary(raw) for raw in names)
        self.evidence("beneficiaries", chunk.char_start + offset, end + 1)


def extract_record(doc_id: str, text: str, chunks: list[Chunk]) -> DeliberationRecord:
    return _Extractor(doc_id, text, chunks).run()
