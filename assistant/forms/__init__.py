"""The engagement form, one module per job: ``definition`` (the YAML that describes it),
``validation`` (the agents' answers), ``tracks`` (which act's list a draft is for), ``prefill``
(one function per pre-filled field, each cited), ``drafter`` (the draft), ``output`` (DOCX,
Markdown, JSON). Its choices come from the indexed acts (``choices_from: tracks``), not a fixed list."""

from assistant.forms.definition import DEFAULT_FORM, EPT_LABEL, FieldSpec, FormDefinition, FormDefinitionError, load_form
from assistant.forms.draft_types import CommuneProfile, FieldValue, FormDraft
from assistant.forms.drafter import FormDrafter
from assistant.forms.tracks import Track, UnknownTrack, clean_commune, match_tracks
from assistant.forms.validation import answers_model, clean_text

__all__ = [
    "DEFAULT_FORM", "EPT_LABEL", "CommuneProfile", "FieldSpec", "FieldValue", "FormDefinition", "FormDefinitionError",
    "FormDraft", "FormDrafter", "Track", "UnknownTrack", "answers_model", "clean_commune", "clean_text", "load_form",
    "match_tracks",
]
