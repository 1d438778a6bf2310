"""Personal data: masking before anything is written to a log, and retention (``mgp-assistant
purge``). What is stored, where and for how long is described in docs/privacy.md."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

from pydantic import BaseModel

from assistant.config import Settings
from assistant.text import fold

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:(?:\+|00)33[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")


NAME_MASK = "[nom masqué]"
# A word: letters, with inner apostrophes or hyphens (O'Brien, Jean-Pierre, d'Alembert), maybe a dot.
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
_GAP = re.compile(r"[ \t]+")
_VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ")
_CIVILITIES = frozenset("m mm mme mmes mlle mlles monsieur madame mademoiselle messieurs mesdames dr docteur "
                        "docteure maître me pr professeur".split())
_PARTICLES = frozenset("de du des d' la le les van von da di del della ben bin el al".split())
# Capitalised words that start questions or sentences, never a person.
_NOT_NAMES = frozenset(
    """est-ce qui que quoi quel quelle quels quelles comment pourquoi quand où combien bonjour merci
    et ou mais donc je tu il elle nous vous ils elles on mon ma mes votre vos notre nos ce cette ces
    peut-on puis-je dois-je faut-il y a-t-il est-il sont-ils un une au aux en""".split()
)
# Words of places, institutions and common capitalised phrases: a run holding one is not a person.
_NOT_PERSONS = frozenset(
    """conseil municipal municipale métropolitain métropolitaine métropole code général générale
    collectivités collectivité territoriales territorial territoriale territoire données personnelles
    intelligence artificielle générative saint sainte ville mairie commune communes département région
    république ministère préfecture bureau président présidente maire adjoint adjointe service
    direction grand grande nord sud est ouest centre val vallée boucle seine marne oise bois plaine
    île france paris programme appropriation délibération convention parcours administration interne
    établissement public publique agence office syndicat école collège lycée université hôpital rue
    avenue boulevard place quai cnil rgpd ept mgp dgs dsi drh dpo insee anssi epci ccas ia""".split()
)
_INTRODUCTION = re.compile(
    r"(?i:\bje\s+m['’]appelle|\bmon\s+nom\s+est|\bmon\s+prénom\s+est|\bnom\s*:|\bprénom\s*:|\bsigné\s*:?)[ \t]*"
)


class _Token:
    __slots__ = ("start", "end", "core", "dotted", "folded")

    def __init__(self, match: re.Match[str]) -> None:
        text = match.group(0)
        self.dotted = text.endswith(".")
        self.core = text.rstrip(".")
        self.start, self.end = match.start(), match.start() + len(self.core)
        self.folded = self.core.lower().replace("’", "'")

    def initial(self) -> bool:
        return len(self.core) == 1 and self.core.isupper() and self.dotted

    def civility(self) -> bool:
        return self.folded in _CIVILITIES and self.core[0].isupper()

    def name_like(self) -> bool:
        core = self.core
        if self.folded.startswith("d'") and len(core) > 2 and core[2].isupper():
            core = core[2:]  # d'Alembert
        if len(core) < 2 or not core[0].isupper() or self.folded in _CIVILITIES or self.folded in _NOT_NAMES:
            return False
        if any(c.islower() for c in core):
            return True
        letters = [c for c in core if c.isalpha()]
        return len(letters) >= 3 and any(c in _VOWELS for c in letters)  # DUPONT, not RGPD


def _tokens(text: str) -> list[_Token]:
    return [_Token(m) for m in _WORD.finditer(text)]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """One name: spaces only between the words, no sentence end (an initial's or civility's dot is
    not one, and « M.Durand » needs no space)."""
    if left.dotted and not (left.initial() or left.civility()):
        return False
    gap = text[left.end + (1 if left.dotted else 0) : right.start]
    return (gap == "" and left.dotted) or bool(_GAP.fullmatch(gap))


def _runs(text: str, tokens: list[_Token], begin: int, particles_first: bool = False) -> int:
    """End (exclusive) of the run of name words, initials and inner particles starting at ``begin``."""
    k = begin
    while k < len(tokens):
        token = tokens[k]
        if k > begin and not _joined(text, tokens[k - 1], token):
            break
        if token.name_like() or token.initial() or (token.folded in _PARTICLES and (k > begin or particles_first)):
            k += 1
            continue
        break
    return k


def _name_spans(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Token ranges [first, last) of the candidate names, in order; linear in the number of tokens."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        civility = token.civility() and i + 1 < len(tokens) and _joined(text, token, tokens[i + 1])
        if not (civility or token.name_like() or token.initial()):
            i += 1
            continue
        begin = i + 1 if civility else i
        end = _runs(text, tokens, begin, particles_first=civility)
        first, last = begin, end
        while first < last and tokens[first].folded in _PARTICLES and not civility:
            first += 1  # « Mme de La Fontaine » keeps its particles inside the mask
        while last > first and tokens[last - 1].folded in _PARTICLES:
            last -= 1
        named = [t for t in tokens[first:last] if t.name_like()]
        if civility:  # « Mme Durand », « M. le Maire » (an office, not a person)
            keep = bool(named) and not all(t.folded in _NOT_PERSONS for t in named)
        else:  # « Jeanne Dupont », « J. Dupont », not « Conseil Municipal » nor « Grand Paris »
            keep = bool(named) and last - first >= 2 and not any(t.folded in _NOT_PERSONS for t in named)
        if keep:
            spans.append((first, last))
        i = max(end, i + 1)
    return spans


def mask_personal_data(text: str, public: Callable[[str], bool] | None = None) -> str:
    """E-mail addresses, French phone numbers and people's names replaced before anything is
    written to a log. Names are found without a model (none can be downloaded): after a civility
    (« Mme Durand », « M.Petit ») or an introduction (« je m'appelle… », « nom : … »), and as runs of
    two to four capitalised words, initials and particles (« Jeanne DUPONT », « J. Dupont », « Jean
    de La Fontaine »), unless a word of the run names a place or an institution. Over-masking is
    preferred to a leak; ``public`` keeps names the corpus already publishes (see
    :func:`corpus_names`). Linear in the length of the text."""
    text = _PHONE.sub("[téléphone masqué]", _EMAIL.sub("[e-mail masqué]", text))
    tokens = _tokens(text)
    spans = _name_spans(text, tokens)
    by_start = {t.start: i for i, t in enumerate(tokens)}
    # After an introduction one capitalised word is enough (« nom : Benali », « je m'appelle Aïcha »).
    for match in _INTRODUCTION.finditer(text):
        k = by_start.get(match.end())
        if k is not None and tokens[k].name_like():
            spans.append((k, max(k + 1, _runs(text, tokens, k))))
    pieces: list[str] = []
    position = 0
    for first, last in sorted(spans):
        start, end = tokens[first].start, tokens[last - 1].end
        if tokens[last - 1].initial():
            end += 1  # « Jeanne D. »: the initial's dot goes too
        if start < position or (public is not None and public(text[start:end])):
            continue
        pieces.append(text[position:start] + NAME_MASK)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def corpus_names(find: Callable[[str], Iterable[str]]) -> Callable[[str], bool]:
    """« Public » when the exact name (case and accents aside, whole words) is written in the
    corpus, e.g. « Patrick OLLIER ». ``find(name)`` gives the passages that may hold it (the
    keyword index's best ones): checked only when a name was found, never a scan of the corpus."""

    def public(candidate: str) -> bool:
        phrase = fold(" ".join(candidate.split()))
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
        return any(pattern.search(fold(text)) for text in find(candidate))

    return public


class MaskingFilter(logging.Filter):
    """Applied to the application's log file: a message that quotes a user (a question, a name in
    an error) never writes an e-mail address or a phone number."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class PurgeReport(BaseModel):
    cutoff: datetime
    audit_removed: int = 0
    audit_kept: int = 0
    feedback_removed: int = 0
    feedback_kept: int = 0
    drafts_removed: int = 0
    cache_files_removed: int = 0
    dry_run: bool = False


def _purge_jsonl(path: Path, cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Drop the lines whose ``time`` is before ``cutoff``; the file is replaced atomically, and a
    line that cannot be read is kept (never lose what we do not understand)."""
    if not path.exists():
        return 0, 0
    kept, removed = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            when = datetime.fromisoformat(json.loads(line)["time"])
        except (ValueError, KeyError, TypeError):
            kept.append(line)
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        if when < cutoff:
            removed += 1
        else:
            kept.append(line)
    if removed and not dry_run:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".purge-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(k + "\n" for k in kept))
        os.replace(tmp, path)
    return removed, len(kept)


def _purge_files(folder: Path, cutoff: datetime, dry_run: bool) -> int:
    if not folder.is_dir():
        return 0
    limit = cutoff.timestamp()
    removed = 0
    for path in folder.rglob("*"):
        if path.is_file() and path.stat().st_mtime < limit:
            removed += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return removed


def purge(settings: Settings, days: int, *, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Delete audit and feedback entries and form drafts older than ``days`` days, and Gradio's
    served copies older than a day."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=days)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    report.audit_removed, report.audit_kept = _purge_jsonl(settings.audit_file, cutoff, dry_run)
    report.feedback_removed, report.feedback_kept = _purge_jsonl(settings.feedback_file, cutoff, dry_run)
    report.drafts_removed = _purge_files(settings.forms_dir, cutoff, dry_run)
    report.cache_files_removed = _purge_files(settings.data_dir / "gradio-cache", now - timedelta(days=1), dry_run)
    logging.getLogger("mgp.privacy").info(
        "purge (%s days%s): %d audit, %d feedback, %d drafts, %d cached files removed", days,
        ", dry run" if dry_run else "", report.audit_removed, report.feedback_removed, report.drafts_removed,
        report.cache_files_removed,
    )
    return report
