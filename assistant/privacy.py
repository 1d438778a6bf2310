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
from typing import Callable

from pydantic import BaseModel

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:(?:\+|00)33[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")


_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = rf"[{_UPPER}](?:[{_LOWER}'’]+|[{_UPPER}'’]+)(?:-[{_UPPER}{_LOWER}'’]+)*"
_NAME_RUN = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,3}}\b")
_CIVILITY = re.compile(
    rf"\b(M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Dr|Docteure?|Maître|Me|Pr)\.?[ \t]+"
    rf"({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
)
_INTRODUCTION = re.compile(
    rf"((?i:je\s+m['’]appelle|mon\s+nom\s+est|mon\s+prénom\s+est|nom\s*:|prénom\s*:|signé\s*:?))[ \t]+"
    rf"({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
)
# Capitalised words that start questions or name institutions, never a person.
_NOT_NAMES = frozenset(
    """est-ce qui que quoi quel quelle quels quelles comment pourquoi quand où combien bonjour merci madame
    monsieur le la les un une des du de et ou mais donc je tu il elle nous vous ils elles on mon ma mes
    votre vos notre nos ce cette ces peut-on puis-je dois-je faut-il y a-t-il est-il""".split()
)
NAME_MASK = "[nom masqué]"


def _is_title(word: str) -> bool:
    return any(c.islower() for c in word)


def mask_personal_data(text: str, public: Callable[[str], bool] | None = None) -> str:
    """E-mail addresses, French phone numbers and people's names replaced before anything is
    written to a log. Names are found without a model: after a civility (« Mme Durand ») or an
    introduction (« je m'appelle… »), and as runs of two to four capitalised words (« Jeanne
    DUPONT »). Over-masking is preferred to a leak; ``public`` (e.g. « every word is in the
    corpus ») keeps names the documents already make public (the president, the communes)."""
    text = _PHONE.sub("[téléphone masqué]", _EMAIL.sub("[e-mail masqué]", text))

    def keep(candidate: str) -> bool:
        return public is not None and public(candidate)

    text = _CIVILITY.sub(lambda m: m.group(0) if keep(m.group(2)) else f"{m.group(1)} {NAME_MASK}", text)
    text = _INTRODUCTION.sub(lambda m: m.group(0) if keep(m.group(2)) else f"{m.group(1)} {NAME_MASK}", text)

    def run(match: re.Match[str]) -> str:
        words = match.group(0).split()
        start, end = 0, len(words)
        while start < end and words[start].lower() in _NOT_NAMES:
            start += 1
        while end > start and words[end - 1].lower() in _NOT_NAMES:
            end -= 1
        name = words[start:end]
        if len(name) < 2 or not any(_is_title(w) for w in name) or keep(" ".join(name)):
            return match.group(0)
        return " ".join(words[:start] + [NAME_MASK] + words[end:])

    return _NAME_RUN.sub(run, text)


def corpus_words(vocabulary: set[str]) -> Callable[[str], bool]:
    """« Public » when every word of the name is a word of the corpus (keyword index vocabulary)."""
    from assistant.text import tokenize

    def public(candidate: str) -> bool:
        tokens = tokenize(candidate)
        return bool(tokens) and all(t in vocabulary for t in tokens)

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


def purge(data_dir: Path, days: int, *, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Delete audit and feedback entries and form drafts older than ``days`` days, and Gradio's
    served copies older than a day."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=days)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    report.audit_removed, report.audit_kept = _purge_jsonl(data_dir / "audit" / "audit.jsonl", cutoff, dry_run)
    report.feedback_removed, report.feedback_kept = _purge_jsonl(data_dir / "feedback" / "feedback.jsonl", cutoff, dry_run)
    report.drafts_removed = _purge_files(data_dir / "forms", cutoff, dry_run)
    report.cache_files_removed = _purge_files(data_dir / "gradio-cache", now - timedelta(days=1), dry_run)
    logging.getLogger("mgp.privacy").info(
        "purge (%s days%s): %d audit, %d feedback, %d drafts, %d cached files removed", days,
        ", dry run" if dry_run else "", report.audit_removed, report.feedback_removed, report.drafts_removed,
        report.cache_files_removed,
    )
    return report
