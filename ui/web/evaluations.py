"""« Évaluations » tab (administrators): the last report's figures, the history, a new run."""

from __future__ import annotations

import html
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from evals.pipeline import evaluate, load_history
from evals.report import METRIC_LABELS, bars_svg, coverage_line, french_percent, trend_svg
from assistant.index import IndexNotReady
from evals.local_cases import add_case, local_cases, local_cases_file
from evals.schema import EvalSetError
from ui.web.context import WebContext, user_error


class EvaluationsTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web

    def evaluations(self, request: gr.Request = None) -> tuple[str, list[list[Any]], str | None]:
        if not self.web.is_admin(request):
            return "", [], None
        history = load_history(self.web.settings)
        if not history:
            return "<p>Aucune évaluation pour l'instant : lancez-en une.</p>", [], None
        last = history[-1]
        m = last["metrics"]
        evaluated = (last.get("corpus_documents") or [])
        covered = coverage_line({"name": last.get("corpus", "?"), "testset": last.get("testset"),
                                 "cases": int(last["metrics"]["cases"]), "documents": evaluated})
        documents = f"</p><p class='coverage'>{html.escape(covered)}" if evaluated else ""
        cards = "".join(
            f"<div class='src'><b>{label}</b> : {french_percent(m[key])}</div>"
            for key, label in [("fact_accuracy", "Exactitude des faits"), ("recall@5", "Rappel des passages (top 5)"),
                               ("abstention_recall", "Abstention quand il faut"), ("quote_fidelity", "Citations mot pour mot"),
                               ("pass_rate", "Cas réussis")]
        )
        plots = bars_svg({METRIC_LABELS[k]: m[k] for k in ("fact_accuracy", "recall@5", "citation_precision",
                                                         "quote_fidelity", "abstention_precision", "abstention_recall")})
        summary = (f"<div class='sources'><p>Dernière évaluation : {html.escape(last['run_id'])} — "
                   f"{int(m['cases'])} questions, latence p95 {m['latency_p95_ms']:.0f} ms{documents}</p>{cards}{plots}"
                   f"<h4>Évolution</h4>{trend_svg(history)}</div>")
        rows = [[h["run_id"], *(french_percent(h["metrics"][k]) for k in ("fact_accuracy", "recall@5", "abstention_recall",
                                                                           "pass_rate"))] for h in reversed(history)]
        report = Path(last.get("out", "")) / "report.html"
        return summary, rows, _served_copy(report) if report.exists() else None

    def run_evaluation(self, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]], str | None]:
        self.web.require_admin(request)

        def report(done: int, total: int, label: str) -> None:
            if total:  # the case's number, not its internal identifier
                progress(done / total, desc=f"Évaluation : question {min(done + 1, total)} sur {total}")

        try:
            extra = local_cases(self.web.settings)
        except EvalSetError as exc:
            raise user_error(f"Cas ajoutés illisibles : {exc}")
        evaluate(self.web.settings, assistant=self.web.assistant, progress=report, extra_cases=extra)
        return self.evaluations(request)

    def case_documents(self, request: gr.Request = None):
        """The indexed files a case may be about (for the « Ajouter un cas » picker)."""
        if not self.web.is_admin(request):
            return gr.Dropdown(choices=[])
        try:
            view = self.web.assistant.index.current()
        except IndexNotReady:
            return gr.Dropdown(choices=[])
        files = sorted({Path(str(e.doc_id)).name for e in view.manifest.documents.values()})
        return gr.Dropdown(choices=files)

    def add_case(self, question: str, facts: str, document: str, passage: str, outside: bool,
                 request: gr.Request = None) -> str:
        self.web.require_admin(request)
        try:
            case = add_case(self.web.settings, self.web.assistant.index.current(), question, facts, document,
                            passage, outside)
        except (EvalSetError, IndexNotReady) as exc:
            raise user_error(str(exc))
        count = len(local_cases(self.web.settings))
        about = "hors corpus" if case.must_abstain else f"sur « {document} »"
        return (f"✅ Cas ajouté ({about}) : {count} cas ajoutés en tout, dans "
                f"{local_cases_file(self.web.settings).name}. Relancez l'évaluation pour le mesurer.")


    def render(self) -> tuple[gr.Tab, list]:
        """The tab starts hidden: only an administrator's page shows it (``WebApp.visibility``)."""
        with gr.Tab("Évaluations", visible=False) as tab:
            with gr.Column():
                summary_html = gr.HTML()
                runs = gr.Dataframe(headers=["Évaluation", "Faits exacts", "Rappel des passages (top 5)",
                                             "Abstention quand il faut", "Cas réussis"], interactive=False, wrap=True)
                report_file = gr.File(label="Rapport complet (HTML, à ouvrir dans le navigateur)", interactive=False)
                run_eval = gr.Button("Lancer l'évaluation", variant="primary")
                with gr.Accordion("Ajouter un cas de test (pour un document sans cas, par exemple)", open=False):
                    question = gr.Textbox(label="Question", info="Telle qu'un agent la poserait.")
                    outside = gr.Checkbox(label="Hors corpus : les documents ne doivent pas y répondre")
                    facts = gr.Textbox(label="Faits attendus", lines=3,
                                       info="Un par ligne ; variantes acceptées séparées par « | » (ex. : 13 | treize).")
                    document = gr.Dropdown(label="Document qui répond", choices=[], allow_custom_value=False)
                    passage = gr.Textbox(label="Passage du document qui contient ces faits", lines=3,
                                         info="Copié mot pour mot depuis le document.")
                    add = gr.Button("Ajouter le cas")
                    added = gr.Markdown()
            run_eval.click(self.run_evaluation, None, [summary_html, runs, report_file], api_name="run_evaluation")
            add.click(self.add_case, [question, facts, document, passage, outside], [added], api_name="add_case")
            # Named: Gradio names an event after its function, and « documents » is the corpus list's API.
            tab.select(self.case_documents, None, [document], api_name="case_documents", api_visibility="private")
        return tab, [summary_html, runs, report_file]


def _served_copy(report: Path) -> str:
    """A copy of the report in Gradio's cache, made for an administrator's request: the evaluations
    folder itself is not served (any logged-in account could read it through Gradio's file route)."""
    cache = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    target = cache / "mgp-reports" / uuid.uuid4().hex / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(report, target)
    return str(target)
