"""The one place that wires the product from :class:`~assistant.config.Settings`: which embedding
model, vector store, chat model and generators a run uses, and the services built on them.

Front ends (CLI, web app), the evaluations and the tests get their objects here; nothing else calls
the ``build_*`` factories of :mod:`assistant.components` for the answer path. A run that needs other
settings derives them with ``settings.model_copy(update=…)`` and builds again. The ingestion
(``ingest.pipeline.Ingestor``) sits one layer up and receives ``services.embeddings`` and
``services.new_store()`` from its callers.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering import Assistant
from assistant.components.embeddings import MGPEmbeddings, build_embeddings
from assistant.components.llm import build_chat_model
from assistant.components.reranker import build_reranker
from assistant.components.vectorstore import ChunkStore, build_store
from assistant.config import Settings, get_settings
from assistant.forms import FormDefinition, FormDrafter
from assistant.generation import ExtractiveGenerator, Generator
from assistant.index import CurrentGeneration
from assistant.llm_generator import LLMGenerator
from assistant.prompts import load_prompts
from assistant.query_rewrite import build_query_rewriter


@dataclass(frozen=True)
class Services:
    """Everything a front end uses, sharing one embedding model and one index reader."""

    settings: Settings
    embeddings: MGPEmbeddings
    assistant: Assistant

    def new_store(self) -> ChunkStore:
        """A vector store client of its own (an ingestion run, a generation being read)."""
        return build_store(self.settings)

    def form_drafter(self, definition: FormDefinition | None = None) -> FormDrafter:
        return FormDrafter(self.assistant, definition)


def build_generator(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """The configured chat model behind the grounded LLM generator (prompts from ``prompts/``), or
    the extractive generator when none is configured."""
    model = build_chat_model(settings)
    if model is None:
        return extractive
    return LLMGenerator(model, load_prompts(settings.prompts_dir))


def build_assistant(
    settings: Settings | None = None,
    *,
    embeddings: MGPEmbeddings | None = None,
    generator: Generator | None = None,
) -> Assistant:
    """The assistant for these settings; ``embeddings`` and ``generator`` replace the configured
    ones (a model already loaded, a test double)."""
    settings = settings or get_settings()
    embeddings = embeddings or build_embeddings(settings)
    extractive = generator if isinstance(generator, ExtractiveGenerator) else (
        ExtractiveGenerator(embeddings, max_quotes=settings.answer_max_quotes))
    generator = generator or build_generator(settings, extractive)
    index = CurrentGeneration(settings.index_dir, lambda: build_store(settings), settings.ingest_lock_file)
    assistant = Assistant(settings, embeddings=embeddings, extractive=extractive, generator=generator, index=index,
                          reranker=build_reranker(settings))
    if isinstance(generator, LLMGenerator):  # query rewriting needs the model (and MGP_QUERY_REWRITE)
        assistant.rewriter = build_query_rewriter(settings, generator.model, generator.prompts,
                                                  on_error=assistant._llm_failed)
    return assistant


def build_services(
    settings: Settings | None = None,
    *,
    embeddings: MGPEmbeddings | None = None,
    generator: Generator | None = None,
) -> Services:
    """The services of one process: the assistant (and the form drafter on it) over one model."""
    settings = settings or get_settings()
    embeddings = embeddings or build_embeddings(settings)
    assistant = build_assistant(settings, embeddings=embeddings, generator=generator)
    return Services(settings=settings, embeddings=embeddings, assistant=assistant)
