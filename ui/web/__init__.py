"""The web app (Gradio), one module per tab."""

from ui.web.app import CSS, WebApp, build_app, serve

__all__ = ["CSS", "WebApp", "build_app", "serve"]
