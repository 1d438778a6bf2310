"""Web interface (Gradio) — a thin caller of the assistant API; arrives with the UI issue."""
