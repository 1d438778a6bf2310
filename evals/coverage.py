"""Which indexed documents a test set covers: each case names the documents it is about (its
``sources``, by file name or stem); each indexed document counts the cases about it, and one with
none is flagged — the evaluation's figures say nothing about it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from evals.schema import EvalCase


def _key(name: str) -> str:
    return PurePath(name.strip()).stem.casefold() if "." in PurePath(name.strip()).name else name.strip().casefold()


def case_documents(case: EvalCase) -> set[str]:
    """The documents a case is about, as keys (file stems, case folded)."""
    return {_key(s.document) for s in case.sources}


def coverage(cases: list[EvalCase], documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``documents`` (title, file…) each with ``cases``: how many of ``cases`` are about it (an act's
    Markdown and PDF copies, which share a stem, both count the case)."""
    about = [case_documents(c) for c in cases]
    return [d | {"cases": sum(_key(str(d["file"])) in keys for keys in about)} for d in documents]


def uncovered(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in documents if d.get("cases") == 0]
