"""False positives of the injection detector (assistant/safety.py) on ordinary text, offline.

A flagged passage is never retrieved nor quoted, so a false positive hides real content. This
gathers a few hundred paragraphs that address no assistant: the real corpus (``corpus/``), the
SYNTHETIC evaluation corpora (``evals/corpora/*/``), English docstrings of the standard library,
and the sentences of ``tests/data/ordinary_paragraphs/`` (written for the tests, tricky but
innocent). ``python -m evals.injection_fp`` prints what is flagged.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import warnings
from pathlib import Path

from assistant.safety import addresses_an_assistant
from ingest.loaders import LOADERS, load_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
EVAL_CORPORA_DIR = ROOT / "evals" / "corpora"
SHIPPED_DIR = ROOT / "tests" / "data" / "ordinary_paragraphs"

STDLIB_MODULES = (
    "abc argparse ast asyncio base64 bisect calendar cmd codecs collections concurrent.futures "
    "configparser contextlib copy csv dataclasses datetime decimal difflib email enum filecmp "
    "fnmatch fractions functools getopt gettext glob gzip hashlib heapq hmac html http.client "
    "imaplib importlib inspect io ipaddress itertools json locale logging mailbox math mimetypes "
    "operator optparse os pathlib pickle pprint queue random re sched secrets shelve shlex shutil "
    "smtplib socket sqlite3 statistics string struct subprocess tarfile tempfile textwrap "
    "threading timeit tokenize traceback typing unittest urllib.parse uuid warnings weakref "
    "xml.dom.minidom zipfile zoneinfo"
).split()
"""Standard-library modules whose docstrings give ordinary English prose (not Python-version pinned:
the test asserts no paragraph is flagged, whatever their exact text)."""

_PARAGRAPHS_PER_MODULE = 6
_MIN_DOC_PARAGRAPH = 30
_MIN_STDLIB_PARAGRAPH = 80


def _split(text: str, min_chars: int) -> list[str]:
    """Blank-line separated paragraphs (lines joined) of at least ``min_chars`` characters."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        paragraph = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if len(paragraph) >= min_chars:
            out.append(paragraph)
    return out


def document_texts(folder: Path) -> list[tuple[str, str]]:
    """(relative path, text) of every readable document under ``folder``, read by the project's
    loaders (PDF, DOCX, Markdown, text, HTML), as ingestion reads them. Scripts and YAML are skipped."""

    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in LOADERS:
            out.append((str(path.relative_to(ROOT)), load_file(path).text))
    return out


def _stdlib_paragraphs() -> list[str]:
    out: list[str] = []
    for name in STDLIB_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # e.g. a build without sqlite3
            continue
        docs = [inspect.getdoc(module) or ""]
        with warnings.catch_warnings():  # touching typing.io, typing.re… warns
            warnings.simplefilter("ignore", DeprecationWarning)
            for attr, obj in sorted(vars(module).items()):
                if not attr.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj)) \
                        and getattr(obj, "__module__", None) == module.__name__:
                    docs.append(inspect.getdoc(obj) or "")
        paragraphs = [p for d in docs for p in _split(d, _MIN_STDLIB_PARAGRAPH)
                      if not p.startswith((">>>", "..."))]
        out.extend(paragraphs[:_PARAGRAPHS_PER_MODULE])
    return out


def shipped_sentences() -> list[str]:
    """The lines of tests/data/ordinary_paragraphs/*.txt (one paragraph a line, « # » comments)."""
    out = []
    for path in sorted(SHIPPED_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                out.append(line.strip())
    return out


def ordinary_paragraphs() -> list[tuple[str, str]]:
    """(source, paragraph) pairs of ordinary text; source is ``corpus``, ``evals/corpora``,
    ``stdlib`` or ``shipped``."""
    out: list[tuple[str, str]] = []
    for source, folder in (("corpus", CORPUS_DIR), ("evals/corpora", EVAL_CORPORA_DIR)):
        for _, text in document_texts(folder):
            out.extend((source, p) for p in _split(text, _MIN_DOC_PARAGRAPH))
    out.extend(("stdlib", p) for p in _stdlib_paragraphs())
    out.extend(("shipped", p) for p in shipped_sentences())
    return out


def flagged(paragraphs: list[tuple[str, str]]) -> list[tuple[str, str]]:

    return [(s, p) for s, p in paragraphs if addresses_an_assistant(p)]


def main() -> int:
    paragraphs = ordinary_paragraphs()
    hits = flagged(paragraphs)
    sources = list(dict.fromkeys(s for s, _ in paragraphs))
    print("Faux positifs du détecteur d'injection (texte ordinaire)")
    for source in sources:
        n = sum(1 for s, _ in paragraphs if s == source)
        k = sum(1 for s, _ in hits if s == source)
        print(f"  {source:<14} {n:>5} paragraphes  {k:>3} signalés")
    rate = len(hits) / len(paragraphs) if paragraphs else 0.0
    print(f"  {'total':<14} {len(paragraphs):>5} paragraphes  {len(hits):>3} signalés  "
          f"taux de faux positifs {rate:.2%}")
    for source, paragraph in hits:
        print(f"  - [{source}] {paragraph[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
