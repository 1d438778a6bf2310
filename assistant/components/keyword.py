"""Keyword (BM25) index over French-stemmed tokens, persisted next to the vector store, updated in
place: adding, changing or removing a document costs what that document costs, not the corpus.

Why our own code and not bm25s (which it replaced): bm25s stores per-(chunk, term) scores that
depend on the whole corpus (document frequencies, average length), so one new document meant
re-reading and re-indexing every chunk. Here the index is a list of immutable **segments** (a
sparse matrix of raw term counts for a batch of chunks, as in Lucene) plus the ids of chunks
deleted since; the corpus-wide statistics are computed from the segments when a generation is
loaded and the scores at query time, with bm25s' « lucene » formula (k1 = 1.5, b = 0.75), so the
scores are those a full rebuild would give. A commit writes one small segment for the new chunks
and a list of deletions; segments are merged (and deleted rows dropped) when there are too many
or too many of their rows are dead, so a long run of small updates stays cheap to query.

Segment files are named by their content and shared between generations, like the chunk files.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from assistant.text import tokenize

LIST_FILE = "segments.json"
K1, B = 1.5, 0.75
MAX_SEGMENTS = 8
"""Beyond this many segments the smallest ones are merged (a query visits every segment)."""
MAX_DEAD_FRACTION = 0.3
"""A segment with more deleted rows than this is rewritten without them."""


class Segment:
    """Raw term counts of a batch of chunks; immutable once written."""

    def __init__(self, chunk_ids: list[str], terms: list[str], counts: sparse.csc_matrix) -> None:
        self.chunk_ids = chunk_ids
        self.terms = terms
        self.columns = {t: i for i, t in enumerate(terms)}
        self.counts = counts  # rows: chunks, columns: terms
        self.lengths = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
        self.name = "kw-" + hashlib.sha256("\n".join(chunk_ids).encode()).hexdigest()[:24] + ".npz"

    @classmethod
    def from_tokens(cls, chunk_ids: Sequence[str], token_lists: Sequence[Sequence[str]]) -> "Segment":
        terms: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for row, tokens in enumerate(token_lists):
            for term, n in Counter(tokens).items():
                rows.append(row)
                cols.append(terms.setdefault(term, len(terms)))
                vals.append(n)
        counts = sparse.csc_matrix(
            (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(chunk_ids), len(terms)),
        )
        return cls(list(chunk_ids), list(terms), counts)

    @classmethod
    def merged(cls, parts: Sequence[tuple["Segment", np.ndarray]]) -> "Segment":
        """One segment holding the rows ``keep`` (a boolean mask) of each part."""
        terms: dict[str, int] = {}
        blocks, ids = [], []
        for segment, keep in parts:
            remap = np.asarray([terms.setdefault(t, len(terms)) for t in segment.terms], dtype=np.int64)
            rows = segment.counts.tocsr()[np.flatnonzero(keep)]
            coo = rows.tocoo()
            blocks.append((coo.row + len(ids), remap[coo.col] if coo.nnz else coo.col, coo.data))
            ids.extend(cid for cid, k in zip(segment.chunk_ids, keep) if k)
        row = np.concatenate([b[0] for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
        col = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
        val = np.concatenate([b[2] for b in blocks]) if blocks else np.zeros(0, dtype=np.float32)
        counts = sparse.csc_matrix((val, (row, col)), shape=(len(ids), len(terms)))
        return cls(ids, list(terms), counts)

    def save(self, folder: Path) -> None:
        path = folder / self.name
        if path.exists():
            return  # content-named: already written by an earlier generation
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{self.name}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            np.savez(
                fh, data=self.counts.data, indices=self.counts.indices, indptr=self.counts.indptr,
                shape=np.asarray(self.counts.shape), chunk_ids=np.asarray(self.chunk_ids, dtype=str),
                terms=np.asarray(self.terms, dtype=str),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Segment":
        with np.load(path, allow_pickle=False) as f:
            shape = tuple(int(x) for x in f["shape"])
            counts = sparse.csc_matrix((f["data"], f["indices"], f["indptr"]), shape=shape)
            return cls(f["chunk_ids"].tolist(), f["terms"].tolist(), counts)


class KeywordIndex:
    """One generation's keyword index: segments and the chunks deleted from them."""

    def __init__(self, segments: list[Segment] | None = None, deleted: Iterable[str] = ()) -> None:
        self.segments = segments or []
        self.deleted = frozenset(deleted)
        self._alive = [np.fromiter((cid not in self.deleted for cid in s.chunk_ids), dtype=bool, count=len(s.chunk_ids))
                       for s in self.segments]
        self._offsets = np.cumsum([0] + [len(s.chunk_ids) for s in self.segments]).tolist()
        alive = np.concatenate(self._alive) if self.segments else np.zeros(0, dtype=bool)
        self._alive_rows = alive
        self._all_ids = [cid for s in self.segments for cid in s.chunk_ids]
        self.chunk_ids = [cid for cid, a in zip(self._all_ids, alive.tolist()) if a]
        self._rows = {cid: row for row, cid in enumerate(self._all_ids) if alive[row]}
        self._n = int(alive.sum())
        lengths = np.concatenate([s.lengths for s in self.segments]) if self.segments else np.zeros(0)
        self._avg_length = float(lengths[alive].sum()) / self._n if self._n else 0.0
        self.document_frequency = self._document_frequencies()

    # -- building ------------------------------------------------------------------------
    @classmethod
    def build(cls, chunk_ids: Sequence[str], token_lists: Sequence[list[str]]) -> "KeywordIndex":
        """An index of these chunks alone (a first ingestion, a rebuild)."""
        return cls([Segment.from_tokens(chunk_ids, token_lists)] if chunk_ids else [])

    def updated(self, removed: set[str], added: Sequence[tuple[str, list[str]]]) -> "KeywordIndex":
        """This index with the ``removed`` chunks deleted and ``added`` (id, tokens) appended: the
        cost is that of the changed chunks (plus an occasional merge), not of the corpus. A chunk
        id names its content (document, section, text), so an id both removed and added stays."""
        added_ids = {cid for cid, _ in added}
        deleted = set(self.deleted) | {cid for cid in removed if cid in self._rows and cid not in added_ids}
        new = [(cid, tokens) for cid, tokens in added if cid not in self._rows]
        # An id coming back after its deletion: the segment holding its dead row is rewritten
        # first, so that deletions (kept by id) never hide the new row.
        revived = {cid for cid, _ in new} & deleted
        segments = list(self.segments)
        if new:
            segments.append(Segment.from_tokens([c for c, _ in new], [t for _, t in new]))
        return _compacted(segments, deleted, revived)

    def __contains__(self, chunk_id: str) -> bool:
        return chunk_id in self._rows

    def __len__(self) -> int:
        return len(self.chunk_ids)

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: Path, segments_dir: Path) -> None:
        """The list in the generation's ``directory``; the segments in the shared ``segments_dir``."""
        directory.mkdir(parents=True, exist_ok=True)
        for segment in self.segments:
            segment.save(segments_dir)
        listing = {"segments": [s.name for s in self.segments], "deleted": sorted(self.deleted)}
        (directory / LIST_FILE).write_text(json.dumps(listing), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, segments_dir: Path, known: dict[str, Segment] | None = None) -> "KeywordIndex":
        """``known``: segments already in memory (immutable), taken instead of read again."""
        listing = json.loads((directory / LIST_FILE).read_text(encoding="utf-8"))
        known = known or {}
        segments = [known.get(name) or Segment.load(segments_dir / name) for name in listing["segments"]]
        return cls(segments, listing["deleted"])

    @staticmethod
    def referenced_segments(directory: Path) -> set[str]:
        try:
            return set(json.loads((directory / LIST_FILE).read_text(encoding="utf-8"))["segments"])
        except (OSError, ValueError, KeyError):
            return set()

    # -- statistics ------------------------------------------------------------------------
    def _document_frequencies(self) -> dict[str, int]:
        df: dict[str, int] = {}
        for segment, alive in zip(self.segments, self._alive):
            counts = segment.counts if alive.all() else segment.counts[np.flatnonzero(alive)]
            per_term = np.diff(counts.tocsc().indptr)
            for term, n in zip(segment.terms, per_term.tolist()):
                if n:
                    df[term] = df.get(term, 0) + n
        return df

    @property
    def vocabulary(self) -> dict[str, int]:
        """Every token of the indexed chunks (to tell words the corpus never uses)."""
        return self.document_frequency

    def idf(self, term: str) -> float:
        df = self.document_frequency.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5)) if df else 0.0

    def idf_table(self) -> dict[str, float]:
        return {t: self.idf(t) for t in self.document_frequency}

    # -- search ------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Best chunks for the query as (chunk_id, score), optionally restricted to ``allowed`` ids.
        A word repeated in the question counts each time (as bm25s did)."""
        tokens = [t for t in tokenize(query) if t in self.document_frequency]
        if not tokens or not self._n or k <= 0:
            return []
        scores = np.zeros(len(self._all_ids), dtype=np.float64)
        for segment, offset in zip(self.segments, self._offsets):
            norm = None
            for term in tokens:
                col = segment.columns.get(term)
                if col is None:
                    continue
                if norm is None:
                    norm = K1 * ((1 - B) + B * segment.lengths / self._avg_length)
                start, end = segment.counts.indptr[col], segment.counts.indptr[col + 1]
                rows, tf = segment.counts.indices[start:end], segment.counts.data[start:end]
                scores[offset + rows] += self.idf(term) * tf / (tf + norm[rows])
        keep = self._alive_rows
        if allowed is not None:
            keep = np.zeros(len(self._all_ids), dtype=bool)
            keep[[self._rows[cid] for cid in allowed if cid in self._rows]] = True
        candidates = np.flatnonzero((scores > 0.0) & keep)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
            # the k-th score may be shared: take every row that ties it, then cut after sorting
            threshold = scores[candidates].min()
            candidates = np.flatnonzero((scores >= threshold) & keep)
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [(self._all_ids[row], float(scores[row])) for row in order]


def _compacted(segments: list[Segment], deleted: set[str], revived: set[str] = frozenset()) -> KeywordIndex:
    """Segments mostly dead (or holding the dead row of a ``revived`` id) are rewritten without
    their dead rows; beyond ``MAX_SEGMENTS`` the smallest neighbours are merged."""
    def alive_mask(segment: Segment) -> np.ndarray:
        return np.fromiter((cid not in deleted for cid in segment.chunk_ids), dtype=bool, count=len(segment.chunk_ids))

    out: list[Segment] = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        alive = np.ones(len(segment.chunk_ids), dtype=bool) if i == last and revived else alive_mask(segment)
        if not alive.any():
            continue
        dead = len(alive) - int(alive.sum())
        if dead > MAX_DEAD_FRACTION * len(alive) or (revived and i < last and not revived.isdisjoint(segment.chunk_ids)):
            segment = Segment.merged([(segment, alive)])
        out.append(segment)
    deleted = deleted - revived
    while len(out) > MAX_SEGMENTS:
        # The two smallest neighbours: merging costs their size, and order (ties) is kept.
        i = min(range(len(out) - 1), key=lambda j: len(out[j].chunk_ids) + len(out[j + 1].chunk_ids))
        out[i : i + 2] = [Segment.merged([(out[i], alive_mask(out[i])), (out[i + 1], alive_mask(out[i + 1]))])]
    live = {cid for s in out for cid in s.chunk_ids}
    return KeywordIndex(out, deleted & live)
