"""Gradio web app: a thin caller of the assistant's public API (``assistant.answering.Assistant``) and of
the ingestion and evaluation pipelines. French for users; one process serves every browser session.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.services import Services, build_services
from assistant.config import Settings
from assistant.index import IndexNotReady
from assistant.schemas import Answer, AskRequest, Turn
from ingest.admin import CorpusAdmin
from ingest.pipeline import ProgressCallback
from ui.access import AuditLog, UserDirectory, mask_personal_data

log = logging.getLogger("mgp.ui")

EXAMPLES = [
    "Est-ce que Sceaux participe au parcours ?",
    "Qui a présidé la séance du Bureau ?",
    "Quelles sont les trois phases du programme ?",
    "Le programme est-il gratuit pour les communes ?",
    "Quelle délibération a lancé le programme ?",
]
CSS = """
.sources mark{background:#ffe552;color:#1b1b1b;padding:0 2px}
.sources .src{border-left:4px solid #000091;padding:.4rem .8rem;margin:.6rem 0;background:#f6f6f6}
.sources .meta{color:#3a3a3a;font-size:.9rem}
.abstention{border-left-color:#b34000!important}
"""


def _highlight(context: str, quote: str) -> str:
    """The chunk text with the quoted passage marked (whitespace differences ignored)."""
    from assistant.generation import find_quote

    span = find_quote(quote, context)
    if span is None:
        return html.escape(context)
    start, end = span
    return html.escape(context[:start]) + "<mark>" + html.escape(context[start:end]) + "</mark>" + html.escape(context[end:])


class WebApp:
    """State shared by every session: one assistant, feedback and upload folders."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = settings = services.settings
        self.assistant = services.assistant
        self.feedback_path = settings.feedback_file
        self.corpus = CorpusAdmin(settings, self.assistant.embeddings)
        self.users = UserDirectory(settings.ui_users)
        self.audit = AuditLog(settings.audit_file)
        self._write_lock = threading.Lock()

    def _require_admin(self, request: gr.Request | None) -> None:
        """Admin-only handlers check the role themselves: the API is as protected as the page."""
        user = self.users.user(getattr(request, "username", None))
        if user.role != "admin":
            raise gr.Error("Action réservée aux administrateurs.")

    def visibility(self, request: gr.Request):
        """Admin panels for admins; agents get a notice instead (Gradio 6 cannot hide a tab after
        the page is built, and every admin handler checks the role anyway)."""
        admin = self.users.user(getattr(request, "username", None)).role == "admin"
        panel, notice = gr.Column(visible=admin), gr.Markdown(visible=not admin)
        return panel, notice, gr.Column(visible=admin), gr.Markdown(visible=not admin)

    # -- Assistant tab ------------------------------------------------------------------
    def ask(self, question: str, messages: list[dict], answers: list[dict], request: gr.Request | None = None):
        """A generator: with a language model, its sentences are shown as they are verified; the
        final answer (or the extractive fallback, with the reason) then replaces them."""
        question = (question or "").strip()
        if not question:
            yield messages, answers, "", self.sources_html(answers[-1] if answers else None)
            return
        if len(question) > 2000:
            raise gr.Error("Question trop longue : 2 000 caractères au plus.")
        history = [Turn(question=a["standalone_question"], answer=a["answer"]) for a in answers[-5:]]
        asked = messages + [{"role": "user", "content": question}]
        answer, text = None, ""
        try:
            for event in self.assistant.ask_stream(AskRequest(question=question, history=history)):
                if isinstance(event, Answer):
                    answer = event
                    break
                text += event.text
                yield (asked + [{"role": "assistant", "content": text + " ▌"}], answers, "",
                       "<div class='sources'><p>Rédaction en cours : seules les phrases vérifiées dans les "
                       "documents s'affichent ; les sources suivent.</p></div>")
        except IndexNotReady as exc:
            raise gr.Error(str(exc))
        except Exception as exc:
            log.error("ask failed: %s", type(exc).__name__)  # the type only: a message may quote the question
            raise gr.Error("L'assistant n'a pas pu répondre. Réessayez ; si le problème persiste, prévenez l'équipe du programme.")
        if answer is None:  # pragma: no cover - ask_stream always ends with an answer
            raise gr.Error("L'assistant n'a pas pu répondre.")
        self.audit.record(
            user=self.users.user(getattr(request, "username", None)).name,
            session=str(getattr(request, "session_hash", "") or ""),
            question=question, answer_id=answer.id, citations=[c.chunk_id for c in answer.citations],
            latency_ms=answer.timings_ms.get("total", 0.0), abstained=answer.abstained, public=self._public_names(),
        )
        content = f"_{answer.fallback}_\n\n{answer.answer}" if answer.fallback else answer.answer
        answers = answers + [answer.model_dump(mode="json")]
        yield asked + [{"role": "assistant", "content": content}], answers, "", self.sources_html(answers[-1])

    def sources_html(self, answer: dict | None) -> str:
        if not answer:
            return "<div class='sources'><p>Les sources de la réponse apparaîtront ici.</p></div>"
        if answer["abstained"]:
            return ("<div class='sources'><div class='src abstention'><b>Pas de réponse dans les documents.</b>"
                    "<p>L'assistant n'a trouvé aucun passage qui réponde à cette question : il ne répond pas plutôt "
                    "que d'inventer.</p></div></div>")
        blocks = []
        if answer.get("generator", "extractive") != "extractive":
            blocks.append(f"<p class='meta'>Réponse rédigée par le modèle {html.escape(answer['generator'])} ; "
                          "chaque citation ci-dessous a été vérifiée mot pour mot dans le document.</p>")
        for c in answer["citations"]:
            passage = self.assistant.passage(c["chunk_id"])
            context = passage.text if passage else c["quote"]
            doc_type = passage.metadata.get("doc_type", "") if passage else ""
            page = f" — page {c['page']}" if c.get("page") else ""
            section = f" — {html.escape(c['section'])}" if c.get("section") else ""
            blocks.append(
                f"<div class='src'><div class='meta'><b>[{c['n']}] {html.escape(c['title'])}</b> "
                f"({html.escape(doc_type)}){page}{section}<br><small>{html.escape(c['document'])}</small></div>"
                f"<p>{_highlight(context, c['quote'])}</p></div>"
            )
        return "<div class='sources'>" + "".join(blocks) + "</div>"

    def select_answer(self, answers: list[dict], evt: gr.SelectData) -> str:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        answer_number = int(index) // 2
        if 0 <= answer_number < len(answers):
            return self.sources_html(answers[answer_number])
        return self.sources_html(None)

    def feedback(self, answers: list[dict], index: int, liked: bool, comment: str = "") -> str:
        if not 0 <= index < len(answers):
            raise gr.Error("Réponse introuvable pour ce retour.")
        answer = answers[index]
        public = self._public_names()
        record = {
            "time": datetime.now(timezone.utc).isoformat(),
            "rating": "up" if liked else "down",
            "comment": mask_personal_data((comment or "").strip()[:2000], public),
            "answer_id": answer["id"],
            "question": mask_personal_data(answer["question"], public),
            "standalone_question": mask_personal_data(answer["standalone_question"], public),
            # An answer may echo what was typed (an abstention repeats the question): masked too.
            "answer": mask_personal_data(answer["answer"], public),
            "abstained": answer["abstained"],
            "citations": answer["citations"],
            "config": {"generator": answer.get("generator"), "embedding": self.assistant.embeddings.embedding_id},
        }
        self.feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock, self.feedback_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "Merci, votre retour est enregistré."

    def _public_names(self):
        """Names the corpus itself writes (the president, the communes) stay readable; looked up
        in the keyword index only when a name is found."""
        from assistant.privacy import corpus_names

        try:
            view = self.assistant.index.view()
        except IndexNotReady:
            return None

        def passages(name: str) -> list[str]:
            return [view.chunks[cid].text for cid, _ in view.keyword.search(name, k=20) if cid in view.chunks]

        return corpus_names(passages)

    def on_like(self, answers: list[dict], comment: str, data: gr.LikeData) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return self.feedback(answers, int(index) // 2, bool(data.liked), comment)

    # -- Formulaire d'engagement tab -------------------------------------------------------
    FORM_TRACK_UNSAID = "Parcours non précisé (déduit des actes qui listent la collectivité)"

    def form_definition(self):
        from assistant.forms import load_form

        return load_form(self.settings.forms_file)

    def form_track_choices(self) -> tuple[list[tuple[str, str]], str]:
        """(choices, value) of the track picker: the tracks of the indexed acts that list
        beneficiaries (label and act reference shown, the reference sent), after « not said »
        (the drafter then deduces it); with one track, that one is chosen."""
        from assistant.index import IndexNotReady

        try:
            tracks = self.services.form_drafter(self.form_definition()).tracks()
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
        from assistant.index import IndexNotReady

        try:
            names = self.services.form_drafter(self.form_definition()).communes(track or None)
        except (IndexNotReady, ValueError):
            names = []
        return gr.Dropdown(choices=names)

    def prepare_form(self, commune: str, *values: Any, request: gr.Request = None) -> tuple[str, str, str | None]:
        """The draft for the chosen collectivity: a summary of what is missing, a preview, and the
        DOCX to download (written in the data folder only). ``values``: the answers to the user
        fields, in the definition's order, then the track (optional: its label or act reference)."""
        import hashlib
        import uuid

        from assistant.form_output import to_markdown, write_draft
        from assistant.forms import FormDefinitionError, UnknownTrack

        if not (commune or "").strip():
            raise gr.Error("Choisissez d'abord la commune ou l'EPT.")
        try:
            drafter = self.services.form_drafter()
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
        user = self.users.user(getattr(request, "username", None)).name or "anonyme"
        # One folder per account (a hash: no path from a user name), one file per draft (an
        # unguessable name: Gradio serves it to this session only through its cache).
        folder = self.settings.forms_dir / hashlib.sha256(user.encode()).hexdigest()[:16]
        path = folder / f"formulaire_engagement_{slug}_{uuid.uuid4().hex[:8]}.docx"
        with self._write_lock:
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

    # -- Corpus tab --------------------------------------------------------------------
    def documents_table(self) -> list[list[Any]]:
        rows = []
        for entry in self.corpus.documents():
            rows.append([
                entry.title, entry.doc_type, entry.pages or "—", entry.chunks,
                entry.ingested_at.strftime("%d/%m/%Y %H:%M"), "indexé" if not entry.warnings else "indexé (avertissement)",
                entry.doc_id,
            ])
        return sorted(rows, key=lambda r: r[0])

    def _progress(self, progress: gr.Progress | None) -> ProgressCallback | None:
        """The ingestion's steps on the Gradio bar: file by file, and inside a file its pages and
        its passages embedded."""
        if progress is None:
            return None
        current = {"file": "", "done": 0, "total": 1}

        def report(stage: str, done: int, total: int, label: str) -> None:
            if not total:
                return
            if stage == "files":
                current.update(file=label, done=done, total=total)
                name = f" — {label}" if label else ""
                progress(done / total, desc=f"Indexation : fichier {min(done + 1, total)} sur {total}{name}")
                return
            share = min(1.0, (current["done"] + done / total) / current["total"])
            if stage == "pages":
                progress(share, desc=f"Indexation : {current['file']}, page {done} sur {total}")
            elif stage == "embed":
                progress(share, desc=f"Indexation : {current['file']}, passages vectorisés {done} sur {total}")

        return report

    def upload(self, files: list[str] | None, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self._require_admin(request)
        if not files:
            return "Aucun fichier reçu.", self.documents_table()
        lines = self.corpus.upload([Path(f) for f in files], self._progress(progress))
        return "\n".join(lines), self.documents_table()

    def delete(self, doc_id: str, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self._require_admin(request)
        return self.corpus.delete(doc_id, self._progress(progress)), self.documents_table()

    def reindex(self, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self._require_admin(request)
        return self.corpus.reindex(self._progress(progress)), self.documents_table()

    # -- Évaluations tab ---------------------------------------------------------------
    def documents(self, request: gr.Request = None) -> list[list[Any]]:
        """The document list, for admins only (an agent's page gets an empty table)."""
        if self.users.user(getattr(request, "username", None)).role != "admin":
            return []
        return self.documents_table()

    def evaluations(self, request: gr.Request = None) -> tuple[str, list[list[Any]], str | None]:
        from evals.pipeline import load_history

        if self.users.user(getattr(request, "username", None)).role != "admin":
            return "", [], None
        history = load_history(self.settings)
        if not history:
            return "<p>Aucune évaluation pour l'instant : lancez-en une.</p>", [], None
        last = history[-1]
        m = last["metrics"]
        cards = "".join(
            f"<div class='src'><b>{label}</b> : {m[key] * 100:.1f} %</div>"
            for key, label in [("fact_accuracy", "Exactitude des faits"), ("recall@5", "Rappel des passages (top 5)"),
                               ("abstention_recall", "Abstention quand il faut"), ("quote_fidelity", "Citations mot pour mot"),
                               ("pass_rate", "Cas réussis")]
        )
        from evals.report import METRIC_LABELS, bars_svg, trend_svg

        plots = bars_svg({METRIC_LABELS[k]: m[k] for k in ("fact_accuracy", "recall@5", "citation_precision",
                                                         "quote_fidelity", "abstention_precision", "abstention_recall")})
        summary = (f"<div class='sources'><p>Dernière évaluation : {html.escape(last['run_id'])} — "
                   f"{int(m['cases'])} questions, latence p95 {m['latency_p95_ms']:.0f} ms</p>{cards}{plots}"
                   f"<h4>Évolution</h4>{trend_svg(history)}</div>")
        rows = [[h["run_id"], f"{h['metrics']['fact_accuracy']:.3f}", f"{h['metrics']['recall@5']:.3f}",
                 f"{h['metrics']['abstention_recall']:.3f}", f"{h['metrics']['pass_rate']:.3f}"] for h in reversed(history)]
        report = Path(last.get("out", "")) / "report.html"
        return summary, rows, str(report) if report.exists() else None

    def run_evaluation(self, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]], str | None]:
        from evals.pipeline import evaluate

        self._require_admin(request)
        def report(done: int, total: int, label: str) -> None:
            if total:
                progress(done / total, desc=f"Évaluation : {label}")

        evaluate(self.settings, assistant=self.assistant, progress=report)
        return self.evaluations(request)


def build_app(web: WebApp) -> gr.Blocks:
    # Served copies of drafts and reports are removed from Gradio's cache after an hour.
    with gr.Blocks(title="Assistant IA « Appropriation Métropolitaine »", delete_cache=(3600, 3600)) as demo:
        gr.Markdown("# Assistant IA « Appropriation Métropolitaine »\nMétropole du Grand Paris — parcours "
                    "« IA-Administration Interne des Collectivités ». Les réponses citent les documents officiels.")
        answers = gr.State([])
        with gr.Tab("Assistant"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, feedback_options=("Like", "Dislike"))
                    question = gr.Textbox(label="Votre question", placeholder="Ex. : Est-ce que Rueil-Malmaison participe ?",
                                          lines=1, max_lines=6)
                    with gr.Row():
                        send = gr.Button("Envoyer", variant="primary")
                        new = gr.Button("Nouvelle conversation")
                    gr.Examples(EXAMPLES, inputs=question, label="Exemples de questions")
                    comment = gr.Textbox(label="Commentaire (facultatif) joint à votre avis (pouce levé ou baissé sous la réponse)", lines=1)
                    feedback_status = gr.Markdown()
                with gr.Column(scale=2):
                    gr.Markdown("### Sources de la réponse")
                    sources = gr.HTML(web.sources_html(None))
            send.click(web.ask, [question, chatbot, answers], [chatbot, answers, question, sources], api_name="ask")
            question.submit(web.ask, [question, chatbot, answers], [chatbot, answers, question, sources], api_visibility="private")
            new.click(lambda: ([], [], "", web.sources_html(None)), None, [chatbot, answers, question, sources], api_name="new_conversation")
            chatbot.select(web.select_answer, [answers], [sources], api_visibility="private")
            chatbot.like(web.on_like, [answers, comment], [feedback_status], api_visibility="private")
            hidden_index = gr.Number(visible=False, precision=0)
            hidden_liked = gr.Checkbox(visible=False)
            gr.Button(visible=False).click(web.feedback, [answers, hidden_index, hidden_liked, comment], [feedback_status], api_name="feedback")
        with gr.Tab("Formulaire d'engagement"):
            definition = web.form_definition()

            gr.Markdown(f"### {definition.title}\n_{definition.status}_\n\nChoisissez le parcours et votre collectivité : "
                        "les informations établies par les documents (bénéficiaire, délibération, parcours, phases, "
                        "convention) sont pré-remplies avec leur source. Complétez le reste, puis téléchargez le brouillon.")
            track_choices, track_value = web.form_track_choices()
            form_track = gr.Dropdown(choices=track_choices, value=track_value, allow_custom_value=True, filterable=True,
                                     label="Parcours", info="Chaque parcours est ouvert par sa délibération, avec sa liste "
                                     "de bénéficiaires.")
            form_commune = gr.Dropdown(choices=web.services.form_drafter(definition).communes(track_value or None),
                                       value=None, allow_custom_value=True, filterable=True, label="Commune ou EPT")
            form_track.change(web.form_communes, [form_track], [form_commune], api_visibility="private")
            form_inputs = []
            for section in definition.sections:
                fields = [f for f in section.fields if f.source == "user"]
                if not fields:
                    continue
                with gr.Accordion(section.title, open=True):
                    for f in fields:
                        label = f.label + (" *" if f.required else "")
                        if f.type == "choice":
                            options = ([t.label for t in web.services.form_drafter(definition).tracks()]
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
            prepare.click(web.prepare_form, [form_commune, *form_inputs, form_track], [form_status, form_preview, form_file],
                          api_name="draft_form")
            demo.load(web.form_tracks, None, [form_track], api_visibility="private")
        restricted = "Cet onglet est réservé aux administrateurs du programme."
        with gr.Tab("Corpus"):
            corpus_notice = gr.Markdown(restricted, visible=False)
            with gr.Column(visible=False) as corpus_panel:
                gr.Markdown("Documents indexés. Formats acceptés : PDF, DOCX, Markdown, TXT, HTML "
                            f"(au plus {web.settings.max_file_mb:.0f} Mo par fichier).")
                table = gr.Dataframe(headers=["Titre", "Type", "Pages", "Passages", "Indexé le", "État", "Identifiant"],
                                     interactive=False, wrap=True)
                files = gr.File(label="Ajouter des documents", file_count="multiple",
                                file_types=[".pdf", ".docx", ".md", ".txt", ".html", ".htm"])
                upload = gr.Button("Ajouter au corpus", variant="primary")
                result = gr.Textbox(label="Résultat", lines=4, interactive=False)
                with gr.Row():
                    doc_id = gr.Textbox(label="Identifiant du document à supprimer")
                    delete = gr.Button("Supprimer", variant="stop")
                    reindex = gr.Button("Réindexer tout le corpus")
            upload.click(web.upload, [files], [result, table], api_name="upload")
            delete.click(web.delete, [doc_id], [result, table], api_name="delete")
            reindex.click(web.reindex, None, [result, table], api_name="reindex")
        with gr.Tab("Évaluations"):
            eval_notice = gr.Markdown(restricted, visible=False)
            with gr.Column(visible=False) as eval_panel:
                summary_html = gr.HTML()
                runs = gr.Dataframe(headers=["Évaluation", "Faits exacts", "Rappel@5", "Abstention", "Réussite"],
                                    interactive=False)
                report_file = gr.File(label="Rapport complet (HTML, à ouvrir dans le navigateur)", interactive=False)
                run_eval = gr.Button("Lancer l'évaluation", variant="primary")
            run_eval.click(web.run_evaluation, None, [summary_html, runs, report_file], api_name="run_evaluation")
        demo.load(web.visibility, None, [corpus_panel, corpus_notice, eval_panel, eval_notice], api_visibility="private")
        demo.load(web.evaluations, None, [summary_html, runs, report_file], api_visibility="private")
        demo.load(web.documents, None, [table], api_name="documents")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import os

    # Gradio copies every file it serves (form drafts hold personal data) into its cache: keep that
    # cache in the data folder, and let Blocks(delete_cache=…) empty it.
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio-cache").resolve()))
    web = WebApp(build_services(settings))
    web.assistant.check_index(web.assistant.index.view())  # fail early, with the CLI's message: no index, or another model
    demo = build_app(web)
    demo.queue(default_concurrency_limit=4)
    auth = web.users.authenticate if web.users.enabled else None
    demo.launch(
        server_name=host, server_port=port, show_error=False, css=CSS, auth=auth,
        auth_message="Assistant « Appropriation Métropolitaine » — connectez-vous avec le compte fourni par l'équipe du programme.",
        max_file_size=f"{settings.max_file_mb:g}mb",
        allowed_paths=[str(settings.data_dir / "evals"), str(settings.forms_dir)],
    )
