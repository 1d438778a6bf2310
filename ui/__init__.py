"""The product's front ends: the command line (``ui.cli``) and the web app (``ui.web``), thin callers
of :mod:`assistant`.

Gradio's usage analytics are switched off here, before anything imports Gradio: a deployed instance
never reports to Gradio's servers from a town hall (every process the product starts imports ``ui``
first; ``Blocks(analytics_enabled=False)`` says it again in the served ``/config``)."""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
