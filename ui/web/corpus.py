"""« Corpus » tab (administrators): the indexed documents, upload with per-file outcome, delete,
re-index; the work itself is :class:`ingest.admin.CorpusAdmin`, shared with ``mgp-assistant corpus``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ingest.admin import CorpusAdmin
from ingest.pipeline import ProgressCallback
from ui.web.context import RESTRICTED, WebContext


class CorpusTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web
        self.admin = CorpusAdmin(web.settings, web.services.embeddings)

    def documents_table(self) -> list[list[Any]]:
        rows = []
        for entry in self.admin.documents():
            rows.append([
                entry.title, entry.doc_type, entry.pages or "—", entry.chunks,
                entry.ingested_at.strftime("%d/%m/%Y %H:%M"), "indexé" if not entry.warnings else "indexé (avertissement)",
                entry.doc_id,
            ])
        return sorted(rows, key=lambda r: r[0])

    def documents(self, request: gr.Request = None) -> list[list[Any]]:
        """The document list, for admins only (an agent's page gets an empty table)."""
        if not self.web.is_admin(request):
            return []
        return self.documents_table()

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
        self.web.require_admin(request)
        if not files:
            return "Aucun fichier reçu.", self.documents_table()
        lines = self.admin.upload([Path(f) for f in files], self._progress(progress))
        return "\n".join(lines), self.documents_table()

    def delete(self, doc_id: str, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self.web.require_admin(request)
        return self.admin.delete(doc_id, self._progress(progress)), self.documents_table()

    def reindex(self, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self.web.require_admin(request)
        return self.admin.reindex(self._progress(progress)), self.documents_table()

    def render(self) -> tuple[gr.Column, gr.Markdown, gr.Dataframe]:
        with gr.Tab("Corpus"):
            corpus_notice = gr.Markdown(RESTRICTED, visible=False)
            with gr.Column(visible=False) as corpus_panel:
                gr.Markdown("Documents indexés. Formats acceptés : PDF, DOCX, Markdown, TXT, HTML "
                            f"(au plus {self.web.settings.max_file_mb:.0f} Mo par fichier).")
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
            upload.click(self.upload, [files], [result, table], api_name="upload")
            delete.click(self.delete, [doc_id], [result, table], api_name="delete")
            reindex.click(self.reindex, None, [result, table], api_name="reindex")
        return corpus_panel, corpus_notice, table
