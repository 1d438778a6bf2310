"""« Formulaire d'engagement » tab: the agent picks the track and the collectivity, fills in what the
documents do not establish, and downloads the cited DOCX draft (written in the data folder only)."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from typing import Any

import gradio as gr

from assistant.forms.output import to_markdown, write_draft
from assistant.forms import FormDefinitionError, UnknownTrack, load_form
from assistant.index import IndexNotReady
from ui.web.context import WebContext

log = logging.getLogger("mgp.ui")


class FormTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web

    FORM_TRACK_UNSAID = "Parcours non précisé (déduit des actes qui listent la collectivité)"

    def form_definition(self):
        return load_form(self.web.settings.forms_file)

    def form_track_choices(self) -> tuple[list[tuple[str, str]], str]:
        """(choices, value) of the track picker: the tracks of the indexed acts that list
        beneficiaries (label and act reference shown, the reference sent), after « not said »
        (the drafter then deduces it); with one track, that one is chosen."""
        try:
            tracks = self.web.services.form_drafter(self.form_definition()).tracks()
        except (IndexNotReady, ValueError):
            tracks = []
        choices = [(self.FORM_TRACK_UNSAID, "")] + [(t.display, t.value) for t in tracks]
        return choices, tracks[0].value if len(tracks) == 1 else ""

    def form_tracks(self):
        """The track picker refreshed from the index (acts added since the app started)."""
        choices, value = self.form_track_choices()
        return gr.Dropdown(choices=choices, value=value)

    def form_communes(self, track: str | None = None):
        """The commune picker for the chosen track: its act's names first, then the EPT table's."""
        try:
            names = self.web.services.form_drafter(self.form_definition()).communes(track or None)
        except (IndexNotReady, ValueError):
            names = []
        return gr.Dropdown(choices=names)

    def prepare_form(self, commune: str, *values: Any, request: gr.Request = None) -> tuple[str, str, str | None]:
        """The draft for the chosen collectivity: a summary of what is missing, a preview, and the
        DOCX to download (written in the data folder only). ``values``: the answers to the user
        fields, in the definition's order, then the track (optional: its label or act reference)."""
        if not (commune or "").strip():
            raise gr.Error("Choisissez d'abord la commune ou l'EPT.")
        try:
            drafter = self.web.services.form_drafter()
        except FormDefinitionError as exc:
            log.error("form definition invalid")
            raise gr.Error(f"Définition du formulaire invalide : {exc}")
        fields = [f for f in drafter.definition.fields() if f.source == "user"]  # the definition just read
        track = values[len(fields)] if len(values) > len(fields) else None
        track = track.strip() if isinstance(track, str) and track.strip() else None
        answers = {}
        for spec, value in zip(fields, values):
            if isinstance(value, str):
                value = value.strip()
                if spec.type == "yes_no":
                    value = {"Oui": True, "Non": False}.get(value, value)
            if value not in (None, "", []):
                answers[spec.id] = value
        try:
            draft = drafter.draft(commune, answers, track=track)
        except UnknownTrack as exc:
            raise gr.Error(f"Parcours : {exc}")
        except ValueError as exc:
            raise gr.Error(str(exc))
        slug = re.sub(r"[^\w]+", "_", (draft.matched_name or draft.commune).lower()).strip("_")[:60] or "collectivite"
        user = self.web.user_name(request) or "anonyme"
        # One folder per account (a hash: no path from a user name), one file per draft (an
        # unguessable name: Gradio serves it to this session only through its cache).
        folder = self.web.settings.forms_dir / hashlib.sha256(user.encode()).hexdigest()[:16]
        path = folder / f"formulaire_engagement_{slug}_{uuid.uuid4().hex[:8]}.docx"
        with self.web.write_lock:
            write_draft(draft, path)
        labels = {v.id: v.label for v in draft.values}
        lines = []
        for warning in draft.warnings:
            lines.append(f"⚠️ **{warning}**")
        for note in draft.notes:
            lines.append(f"ℹ️ {note}")
        if draft.selected:
            track_text = f" (parcours « {draft.track} »)" if draft.track else ""
            lines.append(f"✅ **{draft.matched_name}** figure parmi les bénéficiaires de la délibération {draft.reference}{track_text}.")
        filled = sum(v.value is not None and v.status == "ok" for v in draft.values)
        lines.append(f"{filled} champs sur {len(draft.values)} renseignés, dont {sum(bool(v.citations) for v in draft.values)} "
                     "pré-remplis avec leur source.")
        if draft.missing:
            lines.append("**À compléter :** " + " ; ".join(labels.get(m, m) for m in draft.missing))
        for problem in draft.invalid:
            lines.append(f"❌ **{labels.get(problem['field'], problem['field'])}** : {problem['reason']}")
        reviewed = [v.label for v in draft.values if v.status == "to_review"]
        if reviewed:
            lines.append("✍️ **À relire (rédigé par le modèle de langage) :** " + " ; ".join(reviewed))
        return "\n\n".join(lines), to_markdown(draft), str(path)

    def render(self, demo: gr.Blocks) -> None:
        with gr.Tab("Formulaire d'engagement"):
            definition = self.form_definition()

            gr.Markdown(f"### {definition.title}\n_{definition.status}_\n\nChoisissez le parcours et votre collectivité : "
                        "les informations établies par les documents (bénéficiaire, délibération, parcours, phases, "
                        "convention) sont pré-remplies avec leur source. Complétez le reste, puis téléchargez le brouillon.")
            track_choices, track_value = self.form_track_choices()
            form_track = gr.Dropdown(choices=track_choices, value=track_value, allow_custom_value=True, filterable=True,
                                     label="Parcours", info="Chaque parcours est ouvert par sa délibération, avec sa liste "
                                     "de bénéficiaires.")
            form_commune = gr.Dropdown(choices=self.web.services.form_drafter(definition).communes(track_value or None),
                                       value=None, allow_custom_value=True, filterable=True, label="Commune ou EPT")
            form_track.change(self.form_communes, [form_track], [form_commune], api_visibility="private")
            form_inputs = []
            for section in definition.sections:
                fields = [f for f in section.fields if f.source == "user"]
                if not fields:
                    continue
                with gr.Accordion(section.title, open=True):
                    for f in fields:
                        label = f.label + (" *" if f.required else "")
                        if f.type == "choice":
                            options = ([t.label for t in self.web.services.form_drafter(definition).tracks()]
                                       if f.choices_from == "tracks" else f.choices)
                            component = gr.Dropdown(choices=options, label=label, info=f.help or None)
                        elif f.type == "yes_no":
                            component = gr.Radio(["Oui", "Non"], label=label, info=f.help or None)
                        else:
                            placeholder = {"date": "JJ/MM/AAAA", "email": "prenom.nom@ville.fr",
                                           "phone": "01 23 45 67 89", "list": "un élément par ligne"}.get(f.type)
                            component = gr.Textbox(label=label, info=f.help or None, placeholder=placeholder,
                                                   lines=4 if f.type in ("long_text", "list") else 1)
                        form_inputs.append(component)
            prepare = gr.Button("Préparer le brouillon", variant="primary")
            form_status = gr.Markdown()
            form_file = gr.File(label="Brouillon à télécharger (DOCX)", interactive=False)
            with gr.Accordion("Aperçu du brouillon", open=False):
                form_preview = gr.Markdown()
            # The track comes last: callers of /draft_form that do not give it keep working (deduced).
            prepare.click(self.prepare_form, [form_commune, *form_inputs, form_track], [form_status, form_preview, form_file],
                          api_name="draft_form")
            demo.load(self.form_tracks, None, [form_track], api_visibility="private")
