"""An answer written by a language model from the numbered sources, then grounded: the prompt comes
from ``prompts/``, the text streams as it is produced, and :func:`ground_answer` decides whether it
may be shown. The caller (``Assistant``) falls back to the extractive answer when it may not."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.components.llm import ChatModel
from assistant.generation import Draft, Generator
from assistant.grounding import ground_answer, negated
from assistant.prompts import Prompts
from assistant.acts import ACT_VOCABULARY
from assistant.query import strip_follow_up
from assistant.question import QUESTION_WORDS, analyse
from assistant.schemas import Passage, Turn
from assistant.text import tokenize
from assistant.components.llm import LLMError
from assistant.grounding import new_facts, sanitise

_WEIGHTY = frozenset(tokenize(
    "engage engagement engagent garantit garantir garantie assure assurer aucun aucune jamais toujours tous toutes "
    "totalité intégralité entièrement supprimer suppression obligatoire interdit moitié tiers quart double triple "
    "douzaine dizaine centaine millier majorité minorité"
))
_SOURCE_TAG_RE = re.compile(r"<\s*/?\s*source\b[^>]*>?", re.IGNORECASE)


def format_sources(passages: list[Passage]) -> str:
    """Numbered, delimited sources; a source cannot close its own tag (text that imitates the
    delimiters is neutralised, so an injected « </source> » cannot escape its source)."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        last = p.metadata.get("page_end")
        where = (f", pages {p.page} à {last}" if p.page and last and int(last) != p.page
                 else f", page {p.page}" if p.page else "")
        section = f" — {p.metadata.get('section')}" if p.metadata.get("section") else ""
        body = _SOURCE_TAG_RE.sub(" ", p.text)
        label = f"{p.title}{where}{section}".replace('"', "'").replace("<", " ").replace(">", " ")
        blocks.append(f'<source numéro="{n}" document="{label}">\n{body}\n</source>')
    return "\n\n".join(blocks)


class LLMGenerator(Generator):
    """``stream`` yields the model's text; ``finish`` grounds the full text into a :class:`Draft`
    (``problem`` set when it cannot be shown). ``generate`` does both for callers that do not stream."""

    streams = True

    def __init__(self, model: ChatModel, prompts: Prompts, *, min_support: float = 0.5) -> None:
        self.model = model
        self.prompts = prompts
        self.min_support = min_support
        self.name = model.name

    def messages(self, question: str, passages: list[Passage]) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.prompts.system.format()},
            {"role": "user", "content": self.prompts.user.format(sources=format_sources(passages), question=question)},
        ]

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        yield from self.model.stream(self.messages(question, passages))

    def finish(self, text: str, passages: list[Passage], question: str = "") -> Draft:
        return ground_answer(text, passages, min_support=self.min_support, question=question,
                             answer_type=analyse(question).answer_type if question else None)

    def generate(self, question: str, passages: list[Passage]) -> Draft:
        return self.finish("".join(self.stream(question, passages)), passages, question)

    def condense(self, question: str, history: list[Turn], vocabulary: frozenset[str] | set[str] = frozenset()) -> str | None:
        """A follow-up rewritten as a standalone question, or None when the model's output does not
        look like one question (then the rule-based rewrite is used)."""
        lines = "\n".join(f"Agent : {t.question}\nAssistant : {_first_line(t.answer)}" for t in history[-3:])
        prompt = self.prompts.condense.format(history=lines, question=question)
        text = self.model.complete([{"role": "user", "content": prompt}], max_tokens=80)  # LLMError goes up
        text = text.strip().strip("«»\"' ").splitlines()[0].strip() if text.strip() else ""
        text = re.sub(r"^(?:question(?: réécrite)?\s*:\s*)", "", text, flags=re.IGNORECASE)
        if not (5 <= len(text) <= 300 and text.endswith("?")):
            return None
        # The rewrite may only use words of the conversation or of the corpus, and numbers of the
        # conversation: it must not slip new facts into the question the user will see.
        conversation = question + " " + " ".join(f"{t.question} {t.answer}" for t in history[-3:])
        allowed = set(tokenize(conversation)) | ACT_VOCABULARY | QUESTION_WORDS | set(vocabulary)
        words = {w for w in tokenize(text) if len(w) > 2}
        if not set(tokenize(strip_follow_up(question))) <= set(tokenize(text)) or not words <= allowed:
            return None
        if not set(re.findall(r"\d+", text)) <= set(re.findall(r"\d+", conversation)):
            return None
        return text

    def draft_field(self, label: str, help: str, notes: str, collectivity: str) -> str | None:
        """A form field written in formal French from the agent's notes, or None when the model
        fails or its text adds a number, name or quotation the notes do not hold."""

        if self.prompts.form_field is None:
            return None  # no prompt for form fields: the notes stay as typed
        prompt = self.prompts.form_field.format(collectivity=collectivity, label=label, help=help or "—", notes=notes)
        try:
            text = sanitise(self.model.complete([{"role": "user", "content": prompt}])).strip()
        except LLMError:
            return None
        source = f"{notes}\n{collectivity}\n{label}\n{help}"
        if len(text) < 20 or new_facts(text, source, sentence_starts=True):
            return None
        # Nor a commitment, an absolute, a quantity or a denial that the notes do not hold.
        said = set(tokenize(source))
        if any(t not in said for t in tokenize(text) if t in _WEIGHTY) or (negated(text) and not negated(source)):
            return None
        return text


def _first_line(text: str) -> str:
    return " ".join(text.split())[:300]
