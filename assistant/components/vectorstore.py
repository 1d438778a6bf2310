"""Vector store behind one interface; Chroma is the implementation (embedded, or a server).

Writes go through the chromadb client with vectors we computed ourselves (so we can embed a chunk
with its context yet store its verbatim text, and reuse vectors of unchanged chunks); reads go
through langchain-chroma so retrieval composes with LangChain retrievers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlparse

from assistant.config import Settings
from assistant.text import plain_text

# Chroma refuses batches above its max_batch_size (about 5k); stay well below.
WRITE_BATCH = 1000



def plain_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Metadata as every store accepts them: str, int, float or bool values kept; anything else
    (bytes, dates, lists) written as plain text, and dropped when that text is empty (``None``,
    bytes that are not text). Values from documents (a PDF's /Title, a YAML header) can be any of these."""
    plain: dict[str, Any] = {}
    for key, value in metadata.items():
        if not isinstance(value, (str, int, float, bool)):
            value = plain_text(value)
            if not value:
                continue
        plain[str(key)] = value
    return plain


class StoreError(RuntimeError):
    """The vector store cannot be reached or used; the message is meant for the user."""


class CollectionGone(StoreError):
    """The collection a reader opened no longer exists (another process retired its generation)."""


class ChunkStore(ABC):
    """Chunks with their vectors and metadata, addressed by chunk id."""

    @abstractmethod
    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None: ...

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> None: ...

    @abstractmethod
    def update_metadatas(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None: ...

    @abstractmethod
    def get_embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Vectors already stored for these ids (missing ids are absent from the result)."""

    @abstractmethod
    def get_metadatas(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...

    @abstractmethod
    def use_collection(self, name: str) -> None:
        """Point at another collection (one per index build: see ingest.pipeline), created if missing."""

    @abstractmethod
    def open_collection(self, name: str) -> None:
        """Point at an existing collection, to read it: if it is missing (or goes), reads raise
        :class:`CollectionGone` instead of creating an empty one."""

    @abstractmethod
    def collections(self) -> list[str]:
        """Names of this application's collections."""

    @abstractmethod
    def drop_collection(self, name: str) -> None: ...

    @abstractmethod
    def all_ids(self) -> set[str]: ...

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None, known_count: int | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine distance), closest first."""

    @abstractmethod
    def as_langchain(self, embeddings: Any) -> Any:
        """A LangChain ``VectorStore`` over the same data, for retrieval."""


class ChromaChunkStore(ChunkStore):
    def __init__(self, settings: Settings, collection_name: str | None = None) -> None:
        self.settings = settings
        self.collection_name = collection_name or settings.collection_name
        self._client: Any = None
        self._collection: Any = None
        self._reading = False

    def use_collection(self, name: str) -> None:
        if name != self.collection_name or self._reading:
            self.collection_name = name
            self._collection = None
            self._reading = False

    def open_collection(self, name: str) -> None:
        self.collection_name = name
        self._collection = None
        self._reading = True

    # -- connection ----------------------------------------------------------------
    @property
    def mode(self) -> str:
        return "server" if self.settings.chroma_url else "embedded"

    @property
    def client(self) -> Any:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.settings.chroma_url:
                    url = urlparse(self.settings.chroma_url)
                    if not url.hostname:
                        raise StoreError(f"MGP_CHROMA_URL invalide : {self.settings.chroma_url!r}")
                    self._client = chromadb.HttpClient(
                        host=url.hostname,
                        port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https",
                        settings=chroma_settings,
                    )
                    self._client.heartbeat()
                else:
                    self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(
                        path=str(self.settings.chroma_dir), settings=chroma_settings
                    )
            except StoreError:
                raise
            except Exception as exc:  # connection refused, bad path…
                where = self.settings.chroma_url or str(self.settings.chroma_dir)
                raise StoreError(f"Base vectorielle Chroma inaccessible ({where}) : {exc}") from exc
        return self._client

    @property
    def collection(self) -> Any:
        if self._collection is None and self._reading:
            from chromadb.errors import NotFoundError

            try:
                self._collection = self.client.get_collection(self.collection_name, embedding_function=None)
            except (NotFoundError, ValueError) as exc:  # ValueError: how older chromadb said it
                raise CollectionGone(f"collection {self.collection_name} absente") from exc
        if self._collection is None:
            # No embedding function: Chroma's default one downloads a model, which fails offline.
            self._collection = self.client.get_or_create_collection(
                self.collection_name,
                embedding_function=None,
                metadata={"hnsw:space": "cosine"},
            )
        return self._collection

    # -- writes ----------------------------------------------------------------------
    def upsert(self, ids, embeddings, texts, metadatas) -> None:  # type: ignore[override]
        for start in range(0, len(ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=[list(e) for e in embeddings[start:end]],
                documents=list(texts[start:end]),
                metadatas=[plain_metadata(m) for m in metadatas[start:end]],
            )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), WRITE_BATCH):
            self.collection.delete(ids=ids[start : start + WRITE_BATCH])

    def update_metadatas(self, ids, metadatas) -> None:  # type: ignore[override]
        for start in range(0, len(ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            self.collection.update(ids=list(ids[start:end]), metadatas=[plain_metadata(m) for m in metadatas[start:end]])

    def collections(self) -> list[str]:
        prefix = self.settings.collection_name
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        return sorted(n for n in names if n == prefix or n.startswith(prefix + "-"))

    def drop_collection(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # already gone
            pass
        if name == self.collection_name:
            self._collection = None

    # -- reads -----------------------------------------------------------------------
    def _get(self, ids: Sequence[str], field: str) -> dict[str, Any]:
        """One stored field ("embeddings", "metadatas") for these ids, in batches."""
        found: dict[str, Any] = {}
        ids = list(ids)
        for start in range(0, len(ids), WRITE_BATCH):
            got = self.collection.get(ids=ids[start : start + WRITE_BATCH], include=[field])
            found.update(zip(got["ids"], got[field]))
        return found

    def get_embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return {cid: list(map(float, emb)) for cid, emb in self._get(ids, "embeddings").items()}

    def get_metadatas(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {cid: dict(meta or {}) for cid, meta in self._get(ids, "metadatas").items()}

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)
            ids.update(got["ids"])
            if len(got["ids"]) < page:
                return ids
            offset += page

    def count(self) -> int:
        return int(self.collection.count())

    def query(self, vector, k, where=None, known_count=None):  # type: ignore[override]
        """``known_count``: a lower bound of the collection's size that the caller already knows
        (the committed chunks), which saves a count request per question."""
        from chromadb.errors import NotFoundError

        try:
            n = known_count if known_count is not None else self.count()
            if n == 0:
                return []
            got = self.collection.query(
                query_embeddings=[list(vector)], n_results=min(k, n), where=where, include=["distances"]
            )
        except NotFoundError as exc:  # dropped after we opened it
            self._collection = None
            raise CollectionGone(f"collection {self.collection_name} absente") from exc
        return list(zip(got["ids"][0], map(float, got["distances"][0])))

    def as_langchain(self, embeddings: Any) -> Any:
        from langchain_chroma import Chroma

        return Chroma(
            client=self.client,
            collection_name=self.collection_name,
            embedding_function=embeddings,
            collection_metadata={"hnsw:space": "cosine"},
        )


def build_store(settings: Settings) -> ChunkStore:
    return ChromaChunkStore(settings)
