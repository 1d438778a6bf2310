"""« Évaluations » tab (administrators): the last report's figures, the history, a new run."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from evals.pipeline import evaluate, load_history
from evals.report import METRIC_LABELS, bars_svg, trend_svg
from ui.web.context import RESTRICTED, WebContext


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
        cards = "".join(
            f"<div class='src'><b>{label}</b> : {m[key] * 100:.1f} %</div>"
            for key, label in [("fact_accuracy", "Exactitude des faits"), ("recall@5", "Rappel des passages (top 5)"),
                               ("abstention_recall", "Abstention quand il faut"), ("quote_fidelity", "Citations mot pour mot"),
                               ("pass_rate", "Cas réussis")]
        )
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
        self.web.require_admin(request)
        def report(done: int, total: int, label: str) -> None:
            if total:
                progress(done / total, desc=f"Évaluation : {label}")

        evaluate(self.web.settings, assistant=self.web.assistant, progress=report)
        return self.evaluations(request)


    def render(self) -> tuple[gr.Column, gr.Markdown, list]:
        with gr.Tab("Évaluations"):
            eval_notice = gr.Markdown(RESTRICTED, visible=False)
            with gr.Column(visible=False) as eval_panel:
                summary_html = gr.HTML()
                runs = gr.Dataframe(headers=["Évaluation", "Faits exacts", "Rappel@5", "Abstention", "Réussite"],
                                    interactive=False)
                report_file = gr.File(label="Rapport complet (HTML, à ouvrir dans le navigateur)", interactive=False)
                run_eval = gr.Button("Lancer l'évaluation", variant="primary")
            run_eval.click(self.run_evaluation, None, [summary_html, runs, report_file], api_name="run_evaluation")
        return eval_panel, eval_notice, [summary_html, runs, report_file]
