"""Structure-aware chunking on the real deliberation (Markdown and PDF) and on synthetic texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document, looks_like_deliberation
from ingest.loaders import LoadedDocument, load_file
from tests.conftest import BENEFICIARIES, DELIB_MD, DELIB_PDF, FICHE_MD


def assert_covers_document(text: str, chunks) -> None:
    """No text is lost: every non-blank character of the document lies in some chunk, in order."""
    covered = [False] * len(text)
    for c in chunks:
        for i in range(c.char_start, c.char_end):
            covered[i] = True
    lost = "".join(ch for ch, cov in zip(text, covered) if not cov and not ch.isspace())
    assert lost == ""
    starts = [c.char_start for c in chunks]
    assert starts == sorted(starts)


def _chunks(path: Path, size: int = 1200, overlap: int = 150):
    doc = load_file(path)
    return doc, chunk_document(
        doc, path.name, "titre", deliberation=looks_like_deliberation(doc.text), chunk_size=size, chunk_overlap=overlap
    )


@pytest.mark.parametrize("path", [DELIB_MD, DELIB_PDF], ids=["md", "pdf"])
def test_deliberation_structure(path: Path) -> None:
    doc, chunks = _chunks(path)
    kinds = [c.block_type for c in chunks]
    assert kinds[0] == "header"
    assert kinds.count("visa") == 13
    assert kinds.count("considerant") == 7
    assert kinds.count("decision") == 2
    assert "vote" in kinds
    assert_covers_document(doc.text, chunks)
    # Every visa chunk is exactly one whole visa.
    for c in chunks:
        if c.block_type == "visa":
            assert c.text.count("Vu") == 1 and c.text.rstrip().endswith(",")


@pytest.mark.parametrize("path", [DELIB_MD, DELIB_PDF], ids=["md", "pdf"])
def test_beneficiary_list_stays_in_one_chunk(path: Path) -> None:
    _, chunks = _chunks(path)
    holding = [c for c in chunks if all(name in c.text.replace("\n", " ") for name in BENEFICIARIES)]
    assert len(holding) == 1
    chunk = holding[0]
    assert chunk.block_type == "decision" and chunk.text.lstrip().startswith("APRÈS EN AVOIR DÉLIBÉRÉ")
    if path.suffix == ".pdf":
        assert (chunk.page, chunk.page_end) == (2, 3)  # the list runs over a page break


def test_pdf_chunks_carry_pages() -> None:
    _, chunks = _chunks(DELIB_PDF)
    assert {c.page for c in chunks} == {1, 2, 3}
    president = next(c for c in chunks if "PRÉSIDENT DE SÉANCE" in c.text)
    assert president.page == 1


def test_chunk_ids_are_stable_and_unique() -> None:
    _, first = _chunks(DELIB_MD)
    _, second = _chunks(DELIB_MD)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)


def test_markdown_sections_follow_headings() -> None:
    doc, chunks = _chunks(FICHE_MD)
    assert_covers_document(doc.text, chunks)
    by_section = {c.section: c for c in chunks}
    assert "Les trois phases" in by_section
    phases = by_section["Les trois phases"].text
    assert "Comprendre et former" in phases and "Déployer à l'échelle métropolitaine" in phases
    # A heading is never a chunk on its own.
    assert all(c.text.strip().count("\n") > 0 or not c.text.startswith("#") for c in chunks)


def test_long_units_are_split_with_overlap() -> None:
    # SYNTHETIC: one very long considérant.
    sentence = "Considérant que la phrase numéro {i} décrit un point fictif du dispositif expérimental. "
    body = "".join(sentence.format(i=i) for i in range(40))
    text = "DÉLIBÉRATION N° 2024-001\n\nVu le code général des collectivités territoriales,\n\n" + body + "\n\nDÉCIDE d'approuver.\n"
    doc = LoadedDocument(text=text, format="txt")
    chunks = chunk_document(doc, "synth", "Synthèse", deliberation=True, chunk_size=400, chunk_overlap=200)
    long_parts = [c for c in chunks if c.block_type == "considerant"]
    assert len(long_parts) > 5
    assert all(len(c.text) <= 400 for c in long_parts)
    for a, b in zip(long_parts, long_parts[1:]):
        assert b.char_start < a.char_end  # consecutive parts overlap
    assert_covers_document(text, chunks)


def test_regulation_articles_are_units() -> None:
    # SYNTHETIC règlement layout (no visas): articles must not vanish into the header.
    text = (
        "RÈGLEMENT DU DISPOSITIF FICTIF\n\nPréambule : ce texte est un exemple.\n\n"
        "Article 1 : Objet\nLe présent règlement définit un dispositif fictif.\n\n"
        "Article 2 : Bénéficiaires\nSont éligibles les communes fictives suivantes :\n- Alpha\n- Bêta\n\n"
        "Article 3 : Durée\nLe dispositif dure deux ans.\n"
    )
    doc = LoadedDocument(text=text, format="txt")
    chunks = chunk_document(doc, "reg", "Règlement", deliberation=True, chunk_size=1200, chunk_overlap=100)
    articles = [c for c in chunks if c.block_type == "article"]
    assert [c.section for c in articles] == ["Article 1 – Objet", "Article 2 – Bénéficiaires", "Article 3 – Durée"]
    assert [c.article for c in articles] == ["1", "2", "3"]
    assert "- Bêta" in articles[1].text  # the list stays with its article
