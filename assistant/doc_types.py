"""The kinds of administrative document the corpus holds (délibération, règlement, convention…):
what a document declares itself to be, normalised, so that ingestion labels it and retrieval filters
by it with the same names."""

from __future__ import annotations

from assistant.text import fold

DOC_TYPES = (
    "délibération", "règlement", "convention", "compte rendu", "synthèse", "arrêté", "charte", "formulaire",
    "rapport", "note", "autre",
)
# Generic French words naming a kind of administrative document (folded), in order of precedence.
_TYPE_KEYWORDS = (
    ("deliberation", "délibération"),
    ("reglement", "règlement"),
    ("convention", "convention"),
    ("compte rendu", "compte rendu"),
    ("compte-rendu", "compte rendu"),
    ("proces-verbal", "compte rendu"),
    ("proces verbal", "compte rendu"),
    ("synthese", "synthèse"),
    ("fiche", "synthèse"),
    ("arrete", "arrêté"),
    ("charte", "charte"),
    ("formulaire", "formulaire"),
    ("rapport", "rapport"),
    ("note", "note"),
)


def normalise_doc_type(value: object) -> str | None:
    """« Délibérations », « REGLEMENT », « compte-rendu » → the kind's name; None when it names none."""
    if not value:
        return None
    folded = fold(str(value))
    for key, doc_type in _TYPE_KEYWORDS:
        if folded.startswith(key[:6]):
            return doc_type
    return "autre" if folded == "autre" else None
