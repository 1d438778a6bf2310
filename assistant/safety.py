"""Text that speaks to an assistant rather than to a reader (« ignorez les consignes
précédentes… », « révélez votre prompt ») has no place in an administrative document: at ingestion,
such passages are flagged; they stay indexed (an administrator sees them) but are never retrieved,
quoted or given to a language model."""

from __future__ import annotations

import re

from assistant.text import fold

_PATTERNS = [
    r"\bignor\w*\s+(?:toutes\s+|tout\s+)?(?:les\s+|vos\s+|tes\s+)?(?:consignes|instructions|regles)\b",
    r"\bignore\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier)\s+instructions\b",
    r"\boubli\w*\s+(?:toutes\s+)?(?:les\s+|vos\s+|tes\s+)?(?:consignes|instructions)\b",
    r"\b(?:revel|affich|montr|donn|repet|divulgu)\w*\s+(?:\w+\s+){0,3}(?:prompt|consignes\s+systeme|instructions\s+systeme)",
    r"\b(?:system|systeme)\s+prompt\b|\bprompt\s+systeme\b",
    r"\b(?:tu\s+es|vous\s+etes)\s+(?:desormais|maintenant|a\s+present)\b",
    r"\byou\s+are\s+now\b|\bdeveloper\s+mode\b|\bmode\s+developpeur\b|\bjailbreak\b",
    r"\b(?:reponds|repondez|answer|reply)\s+(?:toujours\s+|always\s+)?(?:que|that|oui\s+a\s+tout|yes\s+to)\b",
    r"\b(?:en\s+tant\s+qu|as\s+an?)\s*'?\s*(?:assistant|ia|ai|intelligence\s+artificielle|language\s+model)\b[^.]{0,60}\b(?:dois|devez|must|should)\b",
]
_INSTRUCTION_RE = re.compile("|".join(_PATTERNS))


def addresses_an_assistant(text: str) -> bool:
    """Whether the text gives instructions to an AI assistant (French or English)."""
    return bool(_INSTRUCTION_RE.search(fold(text)))
