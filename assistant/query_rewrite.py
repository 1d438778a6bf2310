"""Query rewriting: the chat model turns an agent's question into two or three search queries in the
vocabulary of French administrative documents (délibération, règlement, convention…), which the
retrieval searches beside the question itself and fuses.

The model's lines are checked before use, like a condensed question: numbering, bullets and quotes
removed; empty, duplicate, too short or too long lines dropped, and the question itself; a line
that brings a number, a number word or a month the question does not hold is dropped (no invented
date or amount steers the search). Whatever goes wrong, :meth:`QueryRewriter.rewrite` returns a
list, possibly empty (the question is then searched alone), and never raises; its logs hold counts
and error kinds, never the question or the model's text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from langchain_core.prompts import PromptTemplate

from assistant.components.llm import ChatModel, LLMError
from assistant.config import Settings
from assistant.grounding import sanitise
from assistant.prompts import Prompts
from assistant.text import CARDINALS, dedup_key, fold

log = logging.getLogger("mgp.rewrite")

MAX_QUERIES = 3
MIN_WORDS = 3
MAX_CHARS = 250

_THINK_RE = re.compile(r"<think>.*?(?:</think>|$)", re.IGNORECASE | re.DOTALL)
# « 1. », « 2) », « (3) », « - », « • », « a) », « Requête 1 : », « **Requête :** »: one at a time, repeatedly.
_PREFIX_RE = re.compile(
    r"^(?:[-*•·–—>+]+\s*"
    r"|\(?\d{1,2}\s*[.)\]:°-](?:\s+|(?=[^\d\s]))"
    r"|\(?[a-cA-C][.)]\s+"
    r"|\**(?:requ[eê]tes?|recherches?|query|queries)(?:\s*(?:n°\s*)?\d{0,2})?\s*\**\s*[:.–—-]\s*\**)",
    re.IGNORECASE,
)
_QUOTES = "«»\"“”„'‘’`*_ \t"
_DIGITS_RE = re.compile(r"\d+")
_MONTHS = frozenset(
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
)
_DATED_WORDS = frozenset(CARDINALS) | _MONTHS


def clean_line(line: str) -> str:
    """A model line without its numbering, bullet, label, emphasis or surrounding quotes."""
    line = line.strip()
    while True:
        stripped = _PREFIX_RE.sub("", line, count=1).strip()
        stripped = stripped.strip(_QUOTES).strip()
        if stripped == line:
            return " ".join(line.split())
        line = stripped


def _new_facts(line: str, question: str) -> bool:
    """Whether ``line`` holds a number (digits), a number word or a month that ``question`` does not."""
    if not set(_DIGITS_RE.findall(line)) <= set(_DIGITS_RE.findall(question)):
        return True
    said = set(re.findall(r"[a-z]+", fold(question)))
    return any(w in _DATED_WORDS and w not in said for w in re.findall(r"[a-z]+", fold(line)))


def valid_queries(text: str, question: str, *, limit: int = MAX_QUERIES) -> list[str]:
    """The usable search queries of a model's output for ``question`` (at most ``limit``)."""
    text = sanitise(_THINK_RE.sub("", text))
    seen = {dedup_key(question)}
    queries: list[str] = []
    for raw in text.splitlines():
        line = clean_line(raw)
        key = dedup_key(line)
        words = [w for w in line.split() if re.search(r"\w", w)]
        if (not key or key in seen or len(words) < MIN_WORDS or len(line) > MAX_CHARS
                or line.endswith(":") or fold(line).startswith("voici")  # « Voici trois requêtes : »
                or _new_facts(line, question)):
            continue
        seen.add(key)
        queries.append(line)
        if len(queries) >= limit:
            break
    return queries


class QueryRewriter:
    """``rewrite(question)``: up to three search queries for ``question``, or ``[]``.

    ``prompt_template``: the ``rewrite.md`` template (``Prompts.rewrite``) or its text; its one
    variable is ``{question}``. ``on_error`` is called with the :class:`LLMError` of a failed call
    (the caller's circuit breaker, say), after which ``rewrite`` still returns ``[]``."""

    def __init__(self, model: ChatModel, prompt_template: PromptTemplate | str, *, max_tokens: int = 160,
                 on_error: Callable[[LLMError], None] | None = None) -> None:
        template = (prompt_template if isinstance(prompt_template, PromptTemplate)
                    else PromptTemplate.from_template(prompt_template))
        if set(template.input_variables) != {"question"}:
            raise ValueError(f"le gabarit de réécriture doit avoir la seule variable {{question}}, "
                             f"trouvées {sorted(template.input_variables)}")
        self.model = model
        self.template = template
        self.max_tokens = max_tokens
        self.on_error = on_error

    def messages(self, question: str) -> list[dict[str, str]]:
        return [{"role": "user", "content": self.template.format(question=question)}]

    def rewrite(self, question: str) -> list[str]:
        question = " ".join((question or "").split())
        if not question:
            return []
        try:
            text = self.model.complete(self.messages(question), max_tokens=self.max_tokens)
        except LLMError as exc:
            log.warning("Query rewrite failed: %s", exc.kind)
            if self.on_error is not None:
                try:
                    self.on_error(exc)
                except Exception as callback_exc:
                    log.warning("Query rewrite error callback raised %s", type(callback_exc).__name__)
            return []
        except Exception as exc:  # a ChatModel that breaks its contract must not break a search
            log.warning("Query rewrite failed: unexpected %s", type(exc).__name__)
            return []
        text = text if isinstance(text, str) else ""
        try:
            queries = valid_queries(text, question)
        except Exception as exc:
            log.warning("Query rewrite output not checked: unexpected %s", type(exc).__name__)
            return []
        if not queries:
            log.info("Query rewrite: no usable query in the model's output (%d lines)", len(text.splitlines()))
        return queries


def build_query_rewriter(settings: Settings, model: ChatModel | None, prompts: Prompts | None, *,
                         on_error: Callable[[LLMError], None] | None = None) -> QueryRewriter | None:
    """The rewriter when ``MGP_QUERY_REWRITE`` is on, a chat model is configured and ``rewrite.md``
    is in the prompts folder; else None (the question is searched alone)."""
    if not settings.query_rewrite or model is None or prompts is None or prompts.rewrite is None:
        return None
    return QueryRewriter(model, prompts.rewrite, on_error=on_error)
