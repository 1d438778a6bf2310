"""Sentence vectors computed at ingestion, so that no sentence is embedded at question time.

The extractive answer rescores the best candidate sentences with the embedding model; embedding
them per question was most of an answer's time on an index it had not seen (a few hundred ms on 2
cores). Each document's chunk file gets a companion file of the vectors of its quotable sentences
(the texts :func:`assistant.generation.quotable_sentences` gives), named after the chunk file and
the model, so that a model change never reads vectors of another model.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def sentence_file_name(doc_file: str, embedding_id: str) -> str:
    digest = hashlib.sha256(embedding_id.encode()).hexdigest()[:10]
    return f"{Path(doc_file).stem}.{digest}.npz"


def write_sentence_vectors(path: Path, texts: list[str], vectors: list[list[float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    with tmp.open("wb") as fh:
        np.savez(fh, texts=np.asarray(texts, dtype=str), vectors=matrix)
    os.replace(tmp, path)


def read_sentence_vectors(path: Path) -> dict[str, np.ndarray]:
    """Text → vector (float32 rows of one matrix: the vectors the model gave, bit for bit)."""
    with np.load(path, allow_pickle=False) as f:
        matrix = f["vectors"]
        return dict(zip(f["texts"].tolist(), matrix))
