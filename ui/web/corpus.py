"""« Corpus » tab (administrators): the indexed documents, upload with per-file outcome, delete,
re-index; the work itself is :class:`ingest.admin.CorpusAdmin`, shared with ``mgp-assistant corpus``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.forms.output import md
from assistant.index import IndexNotReady
from assistant.overview import corpus_entries, french_day
from ingest.admin import CorpusAdmin
from ingest.pipeline import ProgressCallback
from ui.web.context import WebContext


class CorpusTab:
    def __init__(self, web: WebContext) -> None:
        self.web = web
        self.admin = CorpusAdmin(web.settings, web.services.embeddings)

    def _entries(self) -> list:
        try:
            return sorted(corpus_entries(self.web.assistant.index.current()), key=lambda e: e.title)
        except IndexNotReady:
            return []

    def documents_table(self) -> list[list[Any]]:
        """One row per act or document: its copies (Markdown and PDF of one act) on one row, their
        file names (never a server path) in the last column, one per line."""
        return [[entry.title, entry.doc_type, french_day(entry.date) if entry.date else "—", entry.pages or "—",
                 entry.chunks, "indexé" if not entry.warnings else "indexé (avertissement)", "\n".join(entry.files)]
                for entry in self._entries()]

    def select(self, table: Any, evt: gr.SelectData):
        """The clicked row becomes the selection: the identifiers of its files are what « Supprimer »
        removes (found again from the row's title and file names, never shown)."""
        rows = table.values.tolist() if hasattr(table, "values") else (table or [])
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not isinstance(row, int) or not 0 <= row < len(rows):
            return [], "Sélectionnez une ligne du tableau.", gr.Button(interactive=False), gr.Button(interactive=False)
        title, files = rows[row][0], [f for f in str(rows[row][6]).splitlines() if f]
        entry = next((e for e in self._entries() if e.title == title and list(e.files) == files), None)
        if entry is None:
            return ([], "Ce document n'est plus dans l'index : la liste est mise à jour.", gr.Button(interactive=False),
                    gr.Button(interactive=False))
        listed = ", ".join(md(f) for f in files)
        return (list(entry.doc_ids), f"Sélection : **{md(title)}** ({listed})", gr.Button(interactive=True),
                gr.Button(interactive=True))

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
                progress(share, desc=f"Indexation : {current['file']}, vecteurs calculés {done} sur {total}")

        return report

    def upload(self, files: list[str] | None, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self.web.require_admin(request)
        if not files:
            return "Aucun fichier reçu.", self.documents_table()
        lines = self.admin.upload([Path(f) for f in files], self._progress(progress))
        return "\n".join(lines), self.documents_table()

    def delete(self, doc_id: str, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        """Delete a document by identifier; several identifiers (one per line: the files of one act)
        delete each of them."""
        self.web.require_admin(request)
        ids = [d.strip() for d in (doc_id or "").splitlines() if d.strip()] or [""]
        messages = [self.admin.delete(one, self._progress(progress)) for one in ids]
        return "\n".join(messages), self.documents_table()

    def reindex_document(self, doc_id: str, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        """One document (each of its copies: identifiers or file names, one per line) read and indexed again."""
        self.web.require_admin(request)
        ids = [d.strip() for d in (doc_id or "").splitlines() if d.strip()] or [""]
        messages = [self.admin.reindex_document(one, self._progress(progress)) for one in ids]
        return "\n".join(messages), self.documents_table()

    def reindex(self, request: gr.Request = None, progress=gr.Progress()) -> tuple[str, list[list[Any]]]:
        self.web.require_admin(request)
        return self.admin.reindex(self._progress(progress)), self.documents_table()

    def render(self) -> tuple[gr.Tab, gr.Dataframe]:
        """The tab starts hidden: only an administrator's page shows it (``WebApp.visibility``)."""
        with gr.Tab("Corpus", visible=False) as tab:
            gr.Markdown("Documents indexés, un par ligne (les copies d'un même acte, Markdown et PDF, sont regroupées). "
                        "Formats acceptés : PDF, DOCX, Markdown, TXT, HTML "
                        f"(au plus {self.web.settings.max_file_mb:.0f} Mo par fichier).")
            table = gr.Dataframe(headers=["Document", "Type", "Date", "Pages", "Passages", "État", "Fichiers"],
                                 interactive=False, wrap=True, elem_id="corpus-table",
                                 column_widths=["30%", "11%", "11%", "6%", "8%", "9%", "25%"])
            selected = gr.State([])
            selection = gr.Markdown("Cliquez sur une ligne du tableau pour la sélectionner.")
            with gr.Row():
                delete = gr.Button("Supprimer la sélection", variant="stop", interactive=False)
                confirm = gr.Button("Confirmer la suppression", variant="stop", visible=False)
                cancel = gr.Button("Annuler", visible=False)
                reindex_one = gr.Button("Réindexer la sélection", interactive=False)
                reindex = gr.Button("Réindexer tout le corpus")
            files = gr.File(label="Ajouter des documents", file_count="multiple",
                            file_types=[".pdf", ".docx", ".md", ".txt", ".html", ".htm"])
            upload = gr.Button("Ajouter au corpus", variant="primary")
            result = gr.Textbox(label="Résultat", lines=4, interactive=False)
            doc_id = gr.Textbox(visible=False)  # the /delete endpoint's input (identifiers, one per line)
            # The API endpoint first: it keeps the name « delete » (the confirmation chain reuses the handler).
            gr.Button(visible=False).click(self.delete, [doc_id], [result, table], api_name="delete")
            table.select(self.select, [table], [selected, selection, delete, reindex_one], api_visibility="private")
            gr.Button(visible=False).click(self.reindex_document, [doc_id], [result, table], api_name="reindex_document")
            reindex_one.click(lambda ids: "\n".join(ids), [selected], [doc_id], api_visibility="private").then(
                self.reindex_document, [doc_id], [result, table], api_visibility="private")
            # The updates are made when the event runs: a component made here would be drawn on the page.
            delete.click(_asking, None, [delete, confirm, cancel], api_visibility="private")
            cancel.click(_settled, None, [delete, confirm, cancel], api_visibility="private")
            confirm.click(lambda ids: "\n".join(ids), [selected], [doc_id], api_visibility="private").then(
                self.delete, [doc_id], [result, table], api_visibility="private").then(
                lambda: ([], "Cliquez sur une ligne du tableau pour la sélectionner.", *_settled(), gr.Button(interactive=False)),
                None, [selected, selection, delete, confirm, cancel, reindex_one], api_visibility="private")
            upload.click(self.upload, [files], [result, table], api_name="upload").then(
                lambda: None, None, [files], api_visibility="private")  # the drop zone empties once indexed
            reindex.click(self.reindex, None, [result, table], api_name="reindex")
        return tab, table


def _asking() -> tuple:
    return gr.Button(visible=False), gr.Button(visible=True), gr.Button(visible=True)


def _settled() -> tuple:
    return gr.Button(visible=True, interactive=False), gr.Button(visible=False), gr.Button(visible=False)
