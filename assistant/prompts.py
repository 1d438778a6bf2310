"""The French prompt templates of ``prompts/``, read with LangChain's prompt templates. They are
files so the programme team can reword them without touching code; a template that lacks or adds a
variable is refused at start-up with the file's name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.prompts import PromptTemplate

EXPECTED = {
    "system.md": set(),
    "user.md": {"sources", "question"},
    "condense.md": {"history", "question"},
    "form_field.md": {"collectivity", "label", "help", "notes"},
}
# Read when present, checked like the others; absent: the feature that uses it stays off.
OPTIONAL = {
    "rewrite.md": {"question"},
}


class PromptError(ValueError):
    pass


@dataclass(frozen=True)
class Prompts:
    system: PromptTemplate
    user: PromptTemplate
    condense: PromptTemplate
    form_field: PromptTemplate
    rewrite: PromptTemplate | None = None  # search queries from a question (query rewriting)


def load_prompts(folder: Path) -> Prompts:
    templates = {}
    for name, variables in (EXPECTED | OPTIONAL).items():
        path = folder / name
        if not path.is_file():
            if name in OPTIONAL:
                continue
            raise PromptError(f"gabarit de prompt introuvable : {path}")
        try:
            template = PromptTemplate.from_template(path.read_text(encoding="utf-8"))
        except Exception as exc:  # unbalanced braces
            raise PromptError(f"gabarit de prompt illisible : {path} ({exc})") from None
        found = set(template.input_variables)
        if found != variables:
            expected = ", ".join("{" + v + "}" for v in sorted(variables)) or "aucune"
            raise PromptError(f"{path} : variables attendues {expected}, trouvées {sorted(found) or 'aucune'}")
        templates[name.removesuffix(".md")] = template
    return Prompts(**templates)
