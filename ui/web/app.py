"""The Gradio web app: one module per tab (``chat``, ``form``, ``corpus``, ``evaluations``), all thin
callers of the services built in :mod:`assistant.services`. French for users; one process serves
every browser session."""

from __future__ import annotations

import os

import gradio as gr

from assistant.config import Settings
from assistant.services import Services, build_services
from ui.access import AuditLog, UserDirectory
from ui.web.chat import CONVERSATION_KEY, ChatTab
from ui.web.context import WebContext
from ui.web.corpus import CorpusTab
from ui.web.evaluations import EvaluationsTab
from ui.web.form import DRAFT_KEY, FormTab
from ui.web.french import FRENCH, HEAD

CSS = """
.sources mark{background:#ffe552;color:#1b1b1b;padding:0 2px}
.sources .src{border-left:4px solid #000091;padding:.4rem .8rem;margin:.6rem 0;background:#f6f6f6}
.sources .meta{color:#3a3a3a;font-size:.9rem}
.abstention{border-left-color:#b34000!important}
.counter{font-size:.85rem;color:#3a3a3a;margin-top:-.4rem}
.invalid textarea,.invalid input{border-color:#ce0500!important;background:#fff4f4!important}
.session{align-items:center}
#conversation .placeholder-content,#conversation .placeholder{justify-content:flex-start!important;align-items:flex-start!important}
#conversation .placeholder{flex:0 0 auto!important;height:auto!important;min-height:0!important}
#conversation .examples{gap:.4rem}
#conversation button.example{padding:.45rem .7rem;min-height:0;font-size:.9rem}
@media (max-width: 600px){.title h2{font-size:1.25rem;margin:.2rem 0}.title p{font-size:.85rem;margin:0}
  #conversation .placeholder{font-size:.9rem}#conversation button.example{padding:.3rem .5rem}}
#corpus-table th,#corpus-table th *{word-break:normal!important;overflow-wrap:normal!important;hyphens:none}
"""
# After every queued event Gradio rebuilds, with pandas, a summary of up to the last 10,000 events
# for its /monitoring page: ~2 ms per event on a fresh server, ~8 ms after 10,000 events, on the
# 2 cores every agent shares (measured: 20 simulated agents, p95 1.3 s instead of 0.36-0.68 s on an
# aged server). The summary is never wanted here: computed once in 10^9 events, and monitoring off.
GRADIO_ENV = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**9)}
# Logging out also forgets what this browser kept (a town-hall computer is shared).
LOGOUT_JS = ("() => { localStorage.removeItem('" + CONVERSATION_KEY + "'); localStorage.removeItem('" + DRAFT_KEY + "');"
             " window.location.href = window.location.pathname.replace(/\\/$/, '') + '/logout'; }")


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
        """The administrators' tabs are shown to administrators only (they start hidden); every
        admin handler checks the role on the server anyway."""
        admin = self.is_admin(request)
        return gr.Tab(visible=admin), gr.Tab(visible=admin)

    def session_line(self, request: gr.Request):
        """Who is logged in, and the logout button, when the app has accounts."""
        if not self.users.enabled:
            return "", gr.Button(visible=False)
        user = self.users.user(getattr(request, "username", None))
        role = "administrateur" if user.role == "admin" else "agent"
        return f"Connecté : **{user.name}** ({role})", gr.Button(visible=True)


def build_app(web: WebApp) -> gr.Blocks:
    # Served copies of drafts and reports are removed from Gradio's cache after an hour.
    with gr.Blocks(title="Assistant IA « Appropriation Métropolitaine »", delete_cache=(3600, 3600),
                   analytics_enabled=False) as demo:
        gr.Markdown("## Assistant IA « Appropriation Métropolitaine »\nMétropole du Grand Paris — les réponses "
                    "citent les documents officiels du programme.", elem_classes=["title"])
        with gr.Row(equal_height=True, elem_classes=["session"]):
            session = gr.Markdown()
            logout = gr.Button("Se déconnecter", size="sm", visible=False, scale=0, min_width=160)
        web.chat.states()
        web.form.states()
        with gr.Tabs(overflow_behavior="wrap"):  # on a phone the tabs wrap: none hides behind « ••• »
            stored, chatbot, answers, sources = web.chat.render()
            web.form.render(demo)
            corpus_tab, table = web.corpus.render()
            eval_tab, eval_outputs = web.evaluations.render()
        logout.click(None, js=LOGOUT_JS, api_visibility="private")
        demo.load(web.session_line, None, [session, logout], api_visibility="private")
        demo.load(web.chat.restore, [stored, answers], [chatbot, answers, sources], api_visibility="private")
        demo.load(web.visibility, None, [corpus_tab, eval_tab], api_visibility="private")
        demo.load(web.evaluations.evaluations, None, eval_outputs, api_visibility="private")
        demo.load(web.corpus.documents, None, [table], api_name="documents")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    # Gradio copies every file it serves (form drafts hold personal data) into its cache: keep that
    # cache in the data folder, and let Blocks(delete_cache=…) empty it.
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio-cache").resolve()))
    for name, value in GRADIO_ENV.items():
        os.environ.setdefault(name, value)
    web = WebApp(build_services(settings))
    web.assistant.check_index(web.assistant.index.current())  # fail early, with the CLI's message: no index, or another model
    demo = build_app(web)
    demo.queue(default_concurrency_limit=settings.web_concurrency)
    auth = web.users.authenticate if web.users.enabled else None
    demo.launch(
        server_name=host, server_port=port, show_error=False, css=CSS, auth=auth, head=HEAD, i18n=FRENCH,
        auth_message="Assistant « Appropriation Métropolitaine » — connectez-vous avec le compte fourni par l'équipe du programme.",
        max_file_size=f"{settings.max_file_mb:g}mb",
        # No run history: Gradio would keep every question and answer in the browser's history page
        # (personal data on shared computers); the footer keeps only the settings (language, theme).
        run_history=False, footer_links=["settings"], enable_monitoring=False,
        allowed_paths=[str(settings.forms_dir)],  # drafts (unguessable names, one folder per account); reports are copied on demand
    )
