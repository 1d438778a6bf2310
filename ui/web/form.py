"""« Formulaire d'engagement » tab: the agent picks the track and the collectivity, fills in what the
documents do not establish, and downloads the cited DOCX draft (written in the data folder only)."""

from __future__ import annotations

import hashlib
import html
import logging
import uuid
from typing import Any

import gradio as gr

from assistant.forms import FieldSpec, FormDefinitionError, UnknownTrack, load_form
from assistant.forms.output import to_markdown, write_draft
from assistant.index import IndexNotReady
from ui.web.context import WebContext, user_error

log = logging.getLogger("mgp.ui")


class FormTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web
        self._fields: list[FieldSpec] = []  # the agent's fields, in the order of the tab's inputs

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

    def form_tracks(self, current: str | None = None):
        """The track picker refreshed from the index (acts added since the app started); a track
        already chosen is kept."""
        choices, value = self.form_track_choices()
        keep = current if current in {v for _, v in choices} else value
        return gr.Dropdown(choices=choices, value=keep)

    def form_communes(self, track: str | None = None):
        """The commune picker for the chosen track: its act's names first, then the EPT table's."""
        try:
            names = self.web.services.form_drafter(self.form_definition()).commune_choices(track or None)
        except (IndexNotReady, ValueError):
            names = []
        return gr.Dropdown(choices=names)

    def prepare_form(self, commune: str, *values: Any, request: gr.Request = None) -> tuple[str, str, str | None]:
        """The draft for the chosen collectivity: a summary of what is missing, a preview, and the
        DOCX to download (written in the data folder only). ``values``: the answers to the user
        fields, in the definition's order, then the track (optional: its label or act reference)."""
        if not (commune or "").strip():
            raise user_error("Choisissez d'abord la commune ou l'EPT.")
        try:
            drafter = self.web.services.form_drafter()
        except FormDefinitionError as exc:
            log.error("form definition invalid")
            raise user_error(f"Définition du formulaire invalide : {exc}")
        fields = [f for f in drafter.definition.fields() if f.source == "user"]  # the definition just read
        track = values[len(fields)] if len(values) > len(fields) else None
        track = track.strip() if isinstance(track, str) and track.strip() else None
        answers = {}
        for spec, value in zip(fields, values):
            value = _answer(spec, value)
            if value not in (None, "", []):
                answers[spec.id] = value
        try:
            draft = drafter.draft(commune, answers, track=track)
        except UnknownTrack as exc:
            raise user_error(f"Parcours : {exc}")
        except ValueError as exc:
            raise user_error(str(exc))
        user = self.web.user_name(request) or "anonyme"
        # One folder per account (a hash: no path from a user name), one file per draft (an
        # unguessable name: Gradio serves it to this session only through its cache).
        folder = self.web.settings.forms_dir / hashlib.sha256(user.encode()).hexdigest()[:16]
        path = folder / f"formulaire_engagement_{draft.file_slug}_{uuid.uuid4().hex[:8]}.docx"
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
            spelled = f" (écrit « {draft.spelled_in_act} » dans l'acte)" if draft.spelled_in_act else ""
            lines.append(f"✅ **{draft.display_name}**{spelled} figure parmi les bénéficiaires de la délibération "
                         f"{draft.reference}{track_text}.")
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

    # -- what the documents establish, progress, the field errors -------------------------
    def prefilled_html(self, commune: str | None, track: str | None) -> str:
        """The values the documents establish for this collectivity and track, read-only, each with
        its source: shown at the top, before the fields the agent fills in."""
        commune = (commune or "").strip()
        if not commune:
            return ("<div class='sources'><p>Choisissez le parcours et votre collectivité : ce que les documents "
                    "établissent (désignation, délibération, parcours…) s'affichera ici avec sa source.</p></div>")
        try:
            draft = self.web.services.form_drafter(self.form_definition()).draft(commune, {}, track=(track or None))
        except (IndexNotReady, UnknownTrack, ValueError) as exc:
            return f"<div class='sources'><p>{html.escape(str(exc))}</p></div>"
        sources = {c.n: c for c in draft.citations}
        rows = []
        for value in draft.values:
            if value.origin in ("profile", "corpus") and value.value is not None:
                shown = ", ".join(map(str, value.value)) if isinstance(value.value, list) else (
                    "Oui" if value.value is True else "Non" if value.value is False else str(value.value))
                cited = "".join(f"<br><small>[{n}] {html.escape(sources[n].title)}"
                                f"{f', p. {sources[n].page}' if sources[n].page else ''} : « {html.escape(sources[n].quote[:160])} »</small>"
                                for n in value.citations if n in sources)
                note = f"<br><small><i>{html.escape(value.note)}</i></small>" if value.note else ""
                rows.append(f"<div class='src'><b>{html.escape(value.label)}</b> : {html.escape(shown)}{cited}{note}</div>")
        warnings = "".join(f"<p>⚠️ {html.escape(w)}</p>" for w in draft.warnings)
        body = "".join(rows) or "<p>Les documents n'établissent rien pour cette collectivité : complétez le formulaire.</p>"
        return f"<div class='sources'><h4>Établi d'après les documents (non modifiable)</h4>{warnings}{body}</div>"

    @staticmethod
    def progress(fields: list[FieldSpec], sections: list[tuple[str, list[FieldSpec]]], values: tuple) -> tuple[str, list[str]]:
        """« Champs obligatoires remplis : 3 / 14 » and each section's label with its own count."""
        given = {f.id: v for f, v in zip(fields, values) if v not in (None, "", [])}
        required = [f for f in fields if f.required]
        done = sum(f.id in given for f in required)
        line = f"**Champs obligatoires remplis : {done} / {len(required)}**" + (" ✅" if done == len(required) else "")
        labels = []
        for title, section_fields in sections:
            needed = [f for f in section_fields if f.required]
            filled = sum(f.id in given for f in needed)
            labels.append(f"{title} — {filled} / {len(needed)} obligatoires" if needed else title)
        return line, labels

    def progress_text(self, fields, sections, values: tuple) -> str:
        """The progress line, with each section's count (the sections' own titles are not updated:
        an update would close a section the agent has opened)."""
        line, labels = self.progress(fields, sections, values)
        return line + "  \n" + " · ".join(label.split(" obligatoires")[0] for label in labels if " — " in label)

    @staticmethod
    def mark_fields(fields: list[FieldSpec], invalid: list[dict[str, str]]) -> list:
        """Each field's error under the field itself (its help text otherwise)."""
        problems = {p["field"]: p["reason"] for p in invalid or []}
        # « valid », not an empty list: Gradio leaves the classes as they were on an empty one.
        return [gr.update(info=f"❌ {problems[f.id]}" if f.id in problems else (f.help or None),
                          elem_classes=["invalid"] if f.id in problems else ["valid"]) for f in fields]

    @staticmethod
    def unmark_field(spec: FieldSpec, invalid: list[dict[str, str]]):
        """A field edited after its error was shown: the error goes (the next draft checks it again)."""
        if not any(p.get("field") == spec.id for p in invalid or []):
            return gr.update(), gr.update()
        return (gr.update(info=spec.help or None, elem_classes=["valid"]),
                [p for p in invalid if p.get("field") != spec.id])

    def states(self) -> None:
        """The tab's states, made outside ``gr.Tabs`` (see ``ChatTab.states``); the draft typed is
        kept in this browser only, until « Effacer le brouillon » or logout."""
        self.stored = gr.BrowserState({}, storage_key=DRAFT_KEY)
        self.invalid = gr.State([])
        # False until the kept draft is restored: the page-load updates (track list, commune list)
        # fire « change » before it, and must not overwrite what this browser kept with an empty draft.
        self.restored = gr.State(False)

    def render(self, demo: gr.Blocks) -> None:
        track_choices, track_value = self.form_track_choices()
        definition = self.worded(track_value)  # labels for the only track, or with its name unsaid
        stored, invalid = self.stored, self.invalid
        with gr.Tab("Formulaire d'engagement"):
            header = gr.Markdown(self.header_text(definition))
            with gr.Row():
                form_track = gr.Dropdown(choices=track_choices, value=track_value, allow_custom_value=True, filterable=True,
                                         label="Parcours", info="Chaque parcours est ouvert par sa délibération, avec sa "
                                         "liste de bénéficiaires.")
                form_commune = gr.Dropdown(choices=self.web.services.form_drafter(definition).commune_choices(track_value or None),
                                           value=None, allow_custom_value=True, filterable=True, label="Commune ou EPT",
                                           info="Les 130 communes de la Métropole et les EPT ; accents, tirets et « St » "
                                                "facultatifs.")
            established = gr.HTML(self.prefilled_html(None, None))
            fields = [f for section in definition.sections for f in section.fields if f.source == "user"]
            sections = [(section.title, [f for f in section.fields if f.source == "user"]) for section in definition.sections]
            sections = [(title, section_fields) for title, section_fields in sections if section_fields]
            empty = tuple(None for _ in fields)
            _, labels = self.progress(fields, sections, empty)
            progress_line = gr.Markdown(self.progress_text(fields, sections, empty))
            form_inputs, accordions = [], []
            for n, ((title, section_fields), label) in enumerate(zip(sections, labels)):
                needed = sum(f.required for f in section_fields)
                with gr.Accordion(f"{title} ({needed} obligatoires)" if needed else title, open=n == 0) as accordion:
                    for f in section_fields:
                        form_inputs.append(self._field(f, definition))
                accordions.append(accordion)
            with gr.Row():
                prepare = gr.Button("Préparer le brouillon", variant="primary")
                clear = gr.Button("Effacer le brouillon")
            form_status = gr.Markdown()
            form_file = gr.File(label="Brouillon à télécharger (DOCX)", interactive=False)
            with gr.Accordion("Aperçu du brouillon", open=False):
                form_preview = gr.Markdown()
            # The track comes last: callers of /draft_form that do not give it keep working (deduced).
            prepare.click(self.prepare_event, [form_commune, *form_inputs, form_track], [form_status, form_preview, form_file],
                          api_name="draft_form").success(
                self.invalid_fields, [form_commune, *form_inputs, form_track], [invalid], api_visibility="private").then(
                lambda problems, track: self.mark_fields(self.user_fields(self.worded(track)), problems), [invalid, form_track],
                form_inputs, api_visibility="private")
            form_track.change(self.form_communes, [form_track], [form_commune], api_visibility="private")
            form_track.change(self.relabel, [form_track], [header, *form_inputs], api_visibility="private")
            gr.on([form_track.change, form_commune.change], self.prefilled_html, [form_commune, form_track], [established],
                  api_visibility="private")
            gr.on([c.change for c in form_inputs], lambda *v: self.progress_text(fields, sections, v), form_inputs,
                  [progress_line], api_visibility="private")
            self._fields = fields
            gr.on([c.change for c in (form_track, form_commune, *form_inputs)], self.keep_event,
                  [self.restored, form_track, form_commune, *form_inputs], [stored], api_visibility="private")
            for spec, component in zip(fields, form_inputs):
                # On the agent's input only: « change » also fires when the marks themselves are drawn.
                component.input(lambda problems, spec=spec: self.unmark_field(spec, problems), [invalid],
                                 [component, invalid], api_visibility="private", queue=False)
            clear.click(lambda: ({}, "", None, *[None] * len(form_inputs), "", None, ""),
                        None, [stored, form_track, form_commune, *form_inputs, form_status, form_file, form_preview],
                        api_visibility="private")
            demo.load(self.form_tracks, [form_track], [form_track], api_visibility="private").then(  # acts added since start-up
                self.form_communes, [form_track], [form_commune], api_visibility="private").then(
                self.restore_kept, [stored],
                [form_track, form_commune, *form_inputs, self.restored], api_visibility="private")

    # -- the form worded for the chosen track ----------------------------------------------------
    def worded(self, track: str | None):
        """The definition worded for the track chosen (its value: the act's reference), or as it
        reads when none is chosen or the index cannot say."""
        definition = self.form_definition()
        try:
            drafter = self.web.services.form_drafter(definition)
            return drafter.worded(drafter.find_track(track or None))
        except (IndexNotReady, UnknownTrack, ValueError):
            return definition.for_track(None, None)

    @staticmethod
    def user_fields(definition) -> list[FieldSpec]:
        return [f for f in definition.fields() if f.source == "user"]

    @staticmethod
    def header_text(definition) -> str:
        return (f"### {definition.title}\n_{definition.status}_\n\n**1.** Choisissez le parcours et votre "
                "collectivité (tapez son nom comme vous l'écrivez) ; **2.** vérifiez ce que les documents établissent ; "
                "**3.** complétez les champs, puis préparez et téléchargez le brouillon (DOCX). Ce que vous tapez "
                "reste dans ce navigateur jusqu'à « Effacer le brouillon ».")

    def relabel(self, track: str | None) -> list:
        """The header, labels and help texts for the track just chosen (values are left as typed)."""
        definition = self.worded(track)
        return [self.header_text(definition),
                *[gr.update(label=f.label + (" *" if f.required else ""), info=f.help or None)
                  for f in self.user_fields(definition)]]

    def _field(self, f: FieldSpec, definition) -> gr.Component:
        label = f.label + (" *" if f.required else "")
        if f.type == "choice":
            options = ([t.label for t in self.web.services.form_drafter(definition).tracks()]
                       if f.choices_from == "tracks" else f.choices)
            return gr.Dropdown(choices=options, label=label, info=f.help or None)
        if f.type == "yes_no":
            return gr.Radio(["Oui", "Non"], label=label, info=f.help or None)
        placeholder = {"date": "JJ/MM/AAAA", "email": "prenom.nom@ville.fr",
                       "phone": "01 23 45 67 89", "list": "un élément par ligne"}.get(f.type)
        return gr.Textbox(label=label, info=f.help or None, placeholder=placeholder,
                          lines=4 if f.type in ("long_text", "list") else 1, max_length=5000)

    def invalid_fields(self, commune: str, *values: Any) -> list[dict[str, str]]:
        """The problems of the answers given (for the marks under the fields): the draft's own list."""
        try:
            drafter = self.web.services.form_drafter()
            fields = [f for f in drafter.definition.fields() if f.source == "user"]
            track = values[len(fields)] if len(values) > len(fields) else None
            answers = {spec.id: _answer(spec, value) for spec, value in zip(fields, values)}
            draft = drafter.draft(commune, {k: v for k, v in answers.items() if v not in (None, "", [])},
                                  track=track.strip() if isinstance(track, str) and track.strip() else None)
        except (FormDefinitionError, IndexNotReady, ValueError):
            return []
        return draft.invalid

    # Gradio hands the request only to a parameter placed before ``*values`` (it stops reading the
    # signature at the first ``*``): a keyword-only ``request`` is always None, so every account's
    # draft was kept as the anonymous one's and never given back. The events call these two.
    def keep_event(self, restored: bool, request: gr.Request, *values: Any):
        """:meth:`keep`, once the kept draft has been restored (nothing is written before)."""
        return self.keep(*values, request=request) if restored else gr.update()

    def prepare_event(self, commune: str, request: gr.Request, *values: Any) -> tuple[str, str, str | None]:
        return self.prepare_form(commune, *values, request=request)

    def keep(self, track: Any, commune: Any, *answers: Any, request: gr.Request = None) -> dict:
        """What this browser keeps of the draft, with the account it belongs to."""
        return {"user": self.web.user_name(request) or "", "track": track, "commune": commune,
                "values": {f.id: x for f, x in zip(self._fields, answers) if x not in (None, "", [])}}

    def restore_kept(self, saved: dict | None, request: gr.Request = None) -> tuple:
        """:meth:`restore`, then what the browser keeps may be written again."""
        return (*self.restore(saved, request), True)

    def restore(self, saved: dict | None, request: gr.Request = None) -> tuple:
        """The draft this browser kept (track, collectivity, answers), for the account that typed it
        only; values that are not text, numbers or lists of text are dropped (browser data)."""
        owner = self.web.user_name(request) or ""
        saved = saved if isinstance(saved, dict) and saved.get("user") == owner else {}
        values = saved.get("values") if isinstance(saved.get("values"), dict) else {}
        values = {k: v for k, v in values.items() if isinstance(v, (str, int, float))
                  or (isinstance(v, list) and all(isinstance(x, str) for x in v))}
        track = saved.get("track") if isinstance(saved.get("track"), str) else None
        commune = saved.get("commune") if isinstance(saved.get("commune"), str) else None
        # Only what was kept is set: a field the agent filled while the page loaded is left as it is.
        return ((gr.Dropdown(value=track, allow_custom_value=True) if track else gr.update()),
                (commune if commune else gr.update()),
                *[values[f.id] if f.id in values else gr.update() for f in self._fields])


def _answer(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if spec.type == "yes_no":
            value = {"Oui": True, "Non": False}.get(value, value)
    return value


DRAFT_KEY = "mgp-form-draft"
