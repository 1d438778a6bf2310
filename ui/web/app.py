"""The Gradio web app: one module per tab (``chat``, ``form``, ``corpus``, ``evaluations``), all thin
callers of the services built in :mod:`assistant.services`. French for users; one process serves
every browser session."""

from __future__ import annotations

import os

import gradio as gr

from assistant.config import Settings
from assistant.services import Services, build_services
from ui.access import AuditLog, UserDirectory
from ui.web.chat import ChatTab
from ui.web.context import WebContext
from ui.web.corpus import CorpusTab
from ui.web.evaluations import EvaluationsTab
from ui.web.form import FormTab

CSS = """
.sources mark{background:#ffe552;color:#1b1b1b;padding:0 2px}
.sources .src{border-left:4px solid #000091;padding:.4rem .8rem;margin:.6rem 0;background:#f6f6f6}
.sources .meta{color:#3a3a3a;font-size:.9rem}
.abstention{border-left-color:#b34000!important}
"""


class WebApp(WebContext):
    """State shared by every session (services, accounts, audit log) and the four tabs."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(services=services, users=UserDirectory(settings.ui_users), audit=AuditLog(settings.audit_file))
        self.chat = ChatTab(self)
        self.form = FormTab(self)
        self.corpus = CorpusTab(self)
        self.evaluations = EvaluationsTab(self)

    def visibility(self, request: gr.Request):
        """Admin panels for admins; agents get a notice instead (Gradio 6 cannot hide a tab after
        the page is built, and every admin handler checks the role anyway)."""
        admin = self.is_admin(request)
        return gr.Column(visible=admin), gr.Markdown(visible=not admin), gr.Column(visible=admin), gr.Markdown(visible=not admin)


def build_app(web: WebApp) -> gr.Blocks:
    # Served copies of drafts and reports are removed from Gradio's cache after an hour.
    with gr.Blocks(title="Assistant IA « Appropriation Métropolitaine »", delete_cache=(3600, 3600)) as demo:
        gr.Markdown("# Assistant IA « Appropriation Métropolitaine »\nMétropole du Grand Paris — parcours "
                    "« IA-Administration Interne des Collectivités ». Les réponses citent les documents officiels.")
        web.chat.render()
        web.form.render(demo)
        corpus_panel, corpus_notice, table = web.corpus.render()
        eval_panel, eval_notice, eval_outputs = web.evaluations.render()
        demo.load(web.visibility, None, [corpus_panel, corpus_notice, eval_panel, eval_notice], api_visibility="private")
        demo.load(web.evaluations.evaluations, None, eval_outputs, api_visibility="private")
        demo.load(web.corpus.documents, None, [table], api_name="documents")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    # Gradio copies every file it serves (form drafts hold personal data) into its cache: keep that
    # cache in the data folder, and let Blocks(delete_cache=…) empty it.
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio-cache").resolve()))
    web = WebApp(build_services(settings))
    web.assistant.check_index(web.assistant.index.current())  # fail early, with the CLI's message: no index, or another model
    demo = build_app(web)
    demo.queue(default_concurrency_limit=4)
    auth = web.users.authenticate if web.users.enabled else None
    demo.launch(
        server_name=host, server_port=port, show_error=False, css=CSS, auth=auth,
        auth_message="Assistant « Appropriation Métropolitaine » — connectez-vous avec le compte fourni par l'équipe du programme.",
        max_file_size=f"{settings.max_file_mb:g}mb",
        allowed_paths=[str(settings.data_dir / "evals"), str(settings.forms_dir)],
    )
