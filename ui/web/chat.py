"""« Assistant » tab: the conversation, the sources of each answer (quote highlighted in its passage)
and the agents' feedback (masked before it is written)."""

from __future__ import annotations

import html
import json
import logging
import re
from contextlib import closing
from datetime import datetime, timezone

import gradio as gr

from assistant.generation import find_quote
from assistant.index import IndexNotReady
from assistant.overview import CorpusEntry, corpus_entries, example_questions, french_day
from assistant.privacy import corpus_names
from assistant.schemas import Answer, AskRequest, Turn
from assistant.forms.output import md
from ui.access import mask_personal_data
from ui.web.context import WebContext, user_error

log = logging.getLogger("mgp.ui")



def highlight(context: str, quote: str) -> str:
    """The chunk text with the quoted passage marked (whitespace differences ignored)."""
    span = find_quote(quote, context)
    if span is None:
        return html.escape(context)
    start, end = span
    return html.escape(context[:start]) + "<mark>" + html.escape(context[start:end]) + "</mark>" + html.escape(context[end:])


class ChatTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web
        self._welcome: tuple | None = None  # (generation directory, Markdown, examples)

    def ask(self, question: str, messages: list[dict], answers: list[dict], request: gr.Request | None = None):
        """A generator: with a language model, its sentences are shown as they are verified; the
        final answer (or the extractive fallback, with the reason) then replaces them."""
        question = (question or "").strip()
        if not question:
            yield messages, answers, "", self.sources_html(answers[-1] if answers else None)
            return
        if len(question) > MAX_QUESTION:
            # A warning, not an error: no red overlay, and the text stays in the box to be shortened.
            gr.Warning(f"Question trop longue ({len(question):,} caractères) : 2 000 au plus. Raccourcissez-la, puis "
                       "renvoyez-la.".replace(",", "\u202f"), title="Question trop longue")
            yield messages, answers, question, self.sources_html(answers[-1] if answers else None)
            return
        history = [Turn(question=a["standalone_question"], answer=a["answer"]) for a in answers[-5:]]
        asked = messages + [{"role": "user", "content": question}]
        answer, text = None, ""
        try:
            with closing(self.web.assistant.ask_stream(AskRequest(question=question, history=history))) as events:
                for event in events:  # closed on leaving: the index generation is let go at once
                    if isinstance(event, Answer):
                        answer = event
                        break
                    text += event.text
                    yield (asked + [{"role": "assistant", "content": text + " ▌"}], answers, "",
                           "<div class='sources'><p>Rédaction en cours : seules les phrases vérifiées dans les "
                           "documents s'affichent ; les sources suivent.</p></div>")
        except IndexNotReady as exc:
            raise user_error(str(exc))
        except Exception as exc:
            log.error("ask failed: %s", type(exc).__name__)  # the type only: a message may quote the question
            raise user_error("L'assistant n'a pas pu répondre. Réessayez ; si le problème persiste, prévenez l'équipe du programme.")
        if answer is None:  # pragma: no cover - ask_stream always ends with an answer
            raise user_error("L'assistant n'a pas pu répondre.")
        self.web.audit.record(
            user=self.web.user_name(request),
            session=str(getattr(request, "session_hash", "") or ""),
            question=question, answer_id=answer.id, citations=[c.chunk_id for c in answer.citations],
            latency_ms=answer.timings_ms.get("total", 0.0), abstained=answer.abstained, public=self.public_names(),
            outcome=answer.outcome,
        )
        content = f"_{answer.fallback}_\n\n{answer.answer}" if answer.fallback else answer.answer
        answers = answers + [answer.model_dump(mode="json")]
        yield asked + [{"role": "assistant", "content": content}], answers, "", self.sources_html(answers[-1])

    def sources_html(self, answer: dict | None) -> str:
        if not answer:
            return "<div class='sources'><p>Les sources de la réponse apparaîtront ici.</p></div>"
        if answer["abstained"] and answer.get("outcome") != "closest":
            return ("<div class='sources'><div class='src abstention'><b>Pas de réponse dans les documents.</b>"
                    "<p>L'assistant n'a trouvé aucun passage qui réponde à cette question : il ne répond pas plutôt "
                    "que d'inventer.</p></div></div>")
        blocks = []
        if answer.get("outcome") == "closest":
            blocks.append("<div class='src abstention'><b>Pas de réponse directe dans les documents.</b>"
                          "<p>Voici les passages les plus proches de la question, la phrase la plus liée surlignée : "
                          "à lire, ce n'est pas une réponse.</p></div>")
        if answer.get("generator", "extractive") != "extractive":
            blocks.append(f"<p class='meta'>Réponse rédigée par le modèle {html.escape(answer['generator'])} ; "
                          "chaque citation ci-dessous a été vérifiée mot pour mot dans le document.</p>")
        for c, numbers in _one_per_quote(answer["citations"]):
            passage = self.web.assistant.passage(c["chunk_id"])
            context = passage.text if passage else c["quote"]
            doc_type = passage.metadata.get("doc_type", "") if passage else ""
            page = f" — page {html.escape(str(c['page']))}" if c.get("page") else ""
            section = f" — {html.escape(c['section'])}" if c.get("section") else ""
            blocks.append(
                f"<div class='src'><div class='meta'><b>{' '.join(f'[{n}]' for n in numbers)} {html.escape(c['title'])}</b> "
                f"({html.escape(doc_type)}){page}{section}<br><small>{html.escape(c['document'])}</small></div>"
                f"<p>{highlight(context, c['quote'])}</p></div>"
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
            raise user_error("Réponse introuvable pour ce retour.")
        answer = answers[index]
        public = self.public_names()
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
            "config": {"generator": answer.get("generator"), "embedding": self.web.assistant.embeddings.embedding_id},
        }
        self.web.settings.feedback_file.parent.mkdir(parents=True, exist_ok=True)
        with self.web.write_lock, self.web.settings.feedback_file.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "Merci, votre retour est enregistré."

    def public_names(self):
        """Names the corpus itself writes (the president, the communes) stay readable; looked up
        in the keyword index only when a name is found."""
        try:
            view = self.web.assistant.index.current()
        except IndexNotReady:
            return None

        def passages(name: str) -> list[str]:
            return [view.chunks[cid].text for cid, _ in view.keyword.search(name, k=20) if cid in view.chunks]

        return corpus_names(passages)

    def on_like(self, answers: list[dict], comment: str, data: gr.LikeData) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return self.feedback(answers, int(index) // 2, bool(data.liked), comment)

    # -- first screen, and a conversation kept by the browser ---------------------------
    def welcome(self) -> tuple[str, list[dict]]:
        """(Markdown, examples) of the empty conversation: what the assistant knows — the indexed
        documents by type and date —, what it does not do, and questions the corpus answers. Worked
        out once per index generation (the examples are asked to the assistant to keep those it
        answers)."""
        try:
            view = self.web.assistant.index.current()
        except IndexNotReady:
            return NO_INDEX_WELCOME, []
        if self._welcome is None or self._welcome[0] != view.directory:
            entries = corpus_entries(view)
            try:
                questions = example_questions(view, limit=4, answered=self._answered())
            except Exception as exc:  # a model that fails or differs from the index's: no examples, the page still opens
                log.warning("welcome examples skipped: %s", type(exc).__name__)
                questions = []
            self._welcome = (view.directory, welcome_markdown(entries), [{"text": q} for q in questions])
        return self._welcome[1], self._welcome[2]

    def _answered(self):
        """Which example candidates the assistant answers: asked to the extractive path (local, a few
        ms each); with a language model (each call costs) or a remote embedding model, none is asked."""
        assistant = self.web.assistant
        if assistant.generator.streams or self.web.settings.embedding_backend == "openai":
            return None

        def answered(question: str) -> bool:
            try:
                return not assistant.ask(question).abstained
            except Exception:
                return False

        return answered

    def keep(self, answers: list[dict], request: gr.Request | None = None) -> dict:
        """What this browser keeps: the last answers, with the account they belong to."""
        return {"user": self.web.user_name(request) or "", "answers": answers[-MAX_KEPT:]}

    def restore(self, stored: dict | None, current: list[dict] | None = None, request: gr.Request | None = None):
        """The conversation this browser kept, shown again after a reload — only to the account that
        had it (a shared computer), and only entries that are well-formed answers (the browser's
        data is not trusted)."""
        owner = self.web.user_name(request) or ""
        kept = stored.get("answers") if isinstance(stored, dict) and stored.get("user") == owner else []
        answers = []
        for raw in (kept if isinstance(kept, list) else [])[-MAX_KEPT:]:
            try:
                answers.append(Answer.model_validate(raw).model_dump(mode="json"))
            except (ValueError, TypeError):
                continue
        messages = []
        for a in answers:
            content = f"_{a['fallback']}_\n\n{a['answer']}" if a.get("fallback") else a["answer"]
            messages += [{"role": "user", "content": a["question"]}, {"role": "assistant", "content": content}]
        placeholder, examples = self.welcome()
        if not answers:  # nothing kept: a question asked while the page loaded is left as it is
            return gr.Chatbot(placeholder=placeholder, examples=examples or None), current or [], gr.update()
        return (gr.Chatbot(value=messages, placeholder=placeholder, examples=examples or None), answers,
                self.sources_html(answers[-1]))

    @staticmethod
    def example_text(evt: gr.SelectData) -> str:
        """The example question clicked in the empty conversation (then asked)."""
        return evt.value["text"] if isinstance(evt.value, dict) else str(evt.value)

    def states(self) -> None:
        """The tab's states, made outside ``gr.Tabs`` (a state between two tabs makes Gradio draw a
        tab twice)."""
        self.answers = gr.State([])
        # Kept in this browser only (localStorage; Gradio's key is sent to the page, so this is no
        # secrecy: ``keep``/``restore`` tie it to the account instead): nothing more is stored server-side
        # than the audit log already keeps. « Nouvelle conversation » and « Se déconnecter » clear it.
        self.stored = gr.BrowserState({}, storage_key=CONVERSATION_KEY)

    def render(self):
        answers, stored = self.answers, self.stored
        placeholder, examples = self.welcome()
        with gr.Tab("Assistant"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    # No « share » button: it publishes to Hugging Face, unlabelled, and does nothing here.
                    chatbot = gr.Chatbot(label="Conversation", show_label=False, height=370, feedback_options=("Like", "Dislike"),
                                         buttons=["copy", "copy_all"],
                                         placeholder=placeholder, examples=examples or None, elem_id="conversation")
                    question = gr.Textbox(label="Votre question", placeholder="Ex. : Est-ce que ma commune participe au parcours ?",
                                          lines=1, max_lines=6, max_length=MAX_QUESTION,
                                          info="2 000 caractères au plus ; Entrée pour envoyer.")
                    counter = gr.Markdown(COUNTER_EMPTY, elem_classes=["counter"])
                    with gr.Row():
                        send = gr.Button("Envoyer", variant="primary")
                        new = gr.Button("Nouvelle conversation")
                with gr.Column(scale=2, min_width=320):
                    gr.Markdown("### Sources de la réponse")
                    sources = gr.HTML(self.sources_html(None))
            with gr.Row():
                comment = gr.Textbox(label="Commentaire (facultatif) joint à votre avis (pouce levé ou baissé sous la réponse)",
                                     lines=1, max_length=2000, scale=3)
                feedback_status = gr.Markdown()
            # Outside the queue: a few microseconds of work, where a queued event costs the server ~2.4 ms more CPU.
            keep = dict(fn=self.keep, inputs=[answers], outputs=[stored], api_visibility="private", queue=False)
            send.click(self.ask, [question, chatbot, answers], [chatbot, answers, question, sources], api_name="ask").then(**keep)
            question.submit(self.ask, [question, chatbot, answers], [chatbot, answers, question, sources],
                            api_visibility="private").then(**keep)
            chatbot.example_select(self.example_text, None, [question], api_visibility="private").then(
                self.ask, [question, chatbot, answers], [chatbot, answers, question, sources], api_visibility="private").then(**keep)
            question.change(None, [question], [counter], js=COUNTER_JS, api_visibility="private")
            new.click(lambda: ([], [], "", self.sources_html(None), {}), None, [chatbot, answers, question, sources, stored],
                      api_name="new_conversation")
            chatbot.select(self.select_answer, [answers], [sources], api_visibility="private")
            chatbot.like(self.on_like, [answers, comment], [feedback_status], api_visibility="private")
            hidden_index = gr.Number(visible=False, precision=0)
            hidden_liked = gr.Checkbox(visible=False)
            gr.Button(visible=False).click(self.feedback, [answers, hidden_index, hidden_liked, comment], [feedback_status], api_name="feedback")
        return stored, chatbot, answers, sources


WELCOME_TITLES = 3
"""Up to this many documents, the first screen names each; beyond, it counts them by kind (a long
list pushed the examples and « Envoyer » below the fold, on a phone most of all)."""


def _plural(kind: str) -> str:
    """« délibération » → « délibérations », « compte rendu » → « comptes rendus » (each word of a
    kind without preposition; words in -s, -x, -z unchanged)."""
    words = kind.split()
    if any(w in ("de", "d'", "du", "des") for w in words):
        return kind
    return " ".join(w if w[-1:] in "sxz" else w + "s" for w in words)


def _one_per_quote(citations: list[dict]) -> list[tuple[dict, list]]:
    """The citations to show, one per quoted text: the same passage cited from an act's Markdown and
    PDF copies ([1] and [2]) is shown once, under both numbers (the paginated copy's page kept)."""
    shown: dict[str, tuple[dict, list]] = {}
    for c in citations:
        key = " ".join(re.findall(r"\w+", str(c.get("quote", "")).casefold()))
        if key in shown:
            first, numbers = shown[key]
            numbers.append(c["n"])
            if not first.get("page") and c.get("page"):
                shown[key] = (c, numbers)
        else:
            shown[key] = (c, [c["n"]])
    return list(shown.values())


def welcome_markdown(entries: list[CorpusEntry]) -> str:
    kinds: dict[str, list[CorpusEntry]] = {}
    for entry in entries:
        kinds.setdefault(entry.doc_type, []).append(entry)
    known = []
    if len(entries) <= WELCOME_TITLES:
        for kind, group in sorted(kinds.items()):
            for entry in group:
                when = f", {french_day(entry.date)}" if entry.date else ""
                known.append(f"{md(entry.title)} ({md(kind)}{when})")
    else:
        known = [f"{len(group)} {md(_plural(kind) if len(group) > 1 else kind)}"
                 for kind, group in sorted(kinds.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return ("**Bienvenue.** L'assistant répond **à partir des documents officiels du programme**, cite la page et le "
            "passage exact, et dit « je ne sais pas » quand ils ne répondent pas ; il n'invente aucune règle et ne donne "
            "pas d'avis juridique.\n\n"
            f"**Ce qu'il connaît** ({len(entries)} documents) : {(' ; ' if len(entries) <= WELCOME_TITLES else ', ').join(known)}."
            "\n\n**Exemples**, à cliquer :")


NO_INDEX_WELCOME = ("### Bienvenue\n\nAucun document n'est encore indexé : l'assistant ne peut répondre à aucune question "
                    "pour l'instant. Un administrateur doit ajouter les documents du programme (onglet Corpus).")
MAX_QUESTION = 2000
MAX_KEPT = 20  # answers a browser keeps across reloads
CONVERSATION_KEY = "mgp-conversation"
COUNTER_EMPTY = "0 / 2 000 caractères"
COUNTER_JS = """(q) => {
  const n = (q || "").length;
  const shown = n.toLocaleString("fr-FR") + " / 2 000 caractères";
  return n >= 2000 ? "**" + shown + " — limite atteinte : la suite du texte n'a pas été gardée.**" : shown;
}"""
