"""Loaders on real files built in the test (fpdf2 PDFs, python-docx DOCX), and bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ingest.loaders import IngestError, UnsupportedFormat, load_file
from tests.conftest import DELIB_PDF, make_docx, make_pdf


def test_pdf_pages_are_kept_and_running_headers_removed(tmp_path: Path) -> None:
    doc = load_file(DELIB_PDF)
    assert doc.pages == 3
    assert doc.title == "Délibération BM2025/06/24/12 du Bureau de la Métropole du Grand Paris"
    # The running header and the « Page n/N » footer are stripped from the text.
    assert "Page 1/3" not in doc.text and "Bureau métropolitain - Délibération" not in doc.text
    assert doc.page_at(doc.text.index("PRÉSIDENT DE SÉANCE")) == 1
    assert doc.page_at(doc.text.index("Vu le règlement du programme")) == 2
    assert doc.page_at(doc.text.index("AUTORISE le Président")) == 3


def test_pdf_synthetic_multi_page(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "synth.pdf", ["Premiere page : objet.", "Deuxieme page : suite.", "Troisieme page."], title="Essai")
    doc = load_file(path)
    assert doc.pages == 3 and doc.title == "Essai"
    assert doc.page_at(doc.text.index("Troisieme")) == 3


def test_a_one_page_act_loses_its_page_footer_not_its_last_sentence(tmp_path: Path) -> None:
    """Nothing repeats on a single page: the footer is told by its page counter (SYNTHETIC act)."""
    one_page = make_pdf(tmp_path / "acte.pdf", [
        "Reglement du Fonds d'essai (fictif)\nArticle 3 : le montant maximal est de 45 000 euros par projet.\n"
        "Reglement du Fonds d'essai (fictif) - page 1/1"])
    text = load_file(one_page).text
    assert "page 1/1" not in text and text.rstrip().endswith("45 000 euros par projet.")
    counted = make_pdf(tmp_path / "compte.pdf", ["- 1 -\nPremier article : 12 communes.\nLe vote est acquis par 38 voix sur 40"])
    text = load_file(counted).text
    assert "- 1 -" not in text and "38 voix sur 40" in text  # a sentence is not a page counter


def test_docx_headings_and_tables(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "reglement.docx",
        [("h1", "Règlement (fictif)"), ("p", "Préambule du règlement."), ("h2", "Article 1 - Objet"),
         ("p", "Le présent règlement fixe les règles."), ("table", "Phase | Durée\nFormation | 2 jours")],
        title="Règlement synthétique",
    )
    doc = load_file(path)
    assert doc.title == "Règlement synthétique"
    assert [(h.level, h.title) for h in doc.headings] == [(1, "Règlement (fictif)"), (2, "Article 1 - Objet")]
    for h in doc.headings:
        assert doc.text[h.start : h.end] == h.title
    # Each row repeats its column headers.
    assert "Phase : Formation ; Durée : 2 jours" in doc.text
    assert [doc.text[s:e] for s, e in doc.tables[0].rows] == ["Phase : Formation ; Durée : 2 jours"]


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitre: Note fictive\ntype: synthese\ndate: 2025-07-01\n---\n# Titre\n\nCorps.\n", encoding="utf-8")
    doc = load_file(path)
    assert doc.title == "Note fictive"
    assert doc.metadata["type"] == "synthese"
    assert doc.text.startswith("# Titre")
    assert doc.headings[0].title == "Titre"


def test_markdown_bad_front_matter_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitre: [non fermé\n---\ntexte\n", encoding="utf-8")
    with pytest.raises(IngestError, match="YAML"):
        load_file(path)


def test_txt_utf8_then_cp1252_fallback(tmp_path: Path) -> None:
    utf8 = tmp_path / "a.txt"
    utf8.write_text("Délibération – « éléments »", encoding="utf-8")
    assert load_file(utf8).metadata["encoding"] == "utf-8"
    legacy = tmp_path / "b.txt"
    legacy.write_bytes("Délibération – « éléments » œuvre".encode("cp1252"))
    doc = load_file(legacy)
    assert doc.metadata["encoding"] == "cp1252"
    assert doc.text == "Délibération – « éléments » œuvre"
    assert doc.warnings


def test_html_scripts_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Page fictive</title><script>alert('x')</script></head>"
        "<body><h1>Programme</h1><p>Ouvert aux <b>communes</b>.</p><script>document.write('piège')</script>"
        "<ul><li>Phase 1</li><li>Phase 2</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = load_file(path)
    assert doc.title == "Page fictive"
    assert "alert" not in doc.text and "piège" not in doc.text
    assert "Ouvert aux communes ." in doc.text or "Ouvert aux communes." in doc.text
    assert doc.headings[0].title == "Programme"
    assert "Phase 2" in doc.text


def test_unknown_format_is_skipped_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "tableau.xlsx"
    path.write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(UnsupportedFormat, match=r"\.xlsx"):
        load_file(path)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("vide.pdf", b"", "vide"),
        ("binaire.pdf", bytes(range(256)) * 8, "n'est pas un PDF"),
        ("corrompu.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF garbage", "corrompu|sans aucune page"),
        ("vide.txt", b"   \n", "vide"),
        ("binaire.txt", b"\x00\x01\x02binary\x00", "binaire"),
    ],
)
def test_bad_files_raise_a_named_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        load_file(path)


def test_truncated_real_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "tronque.pdf"
    path.write_bytes(DELIB_PDF.read_bytes()[:700])
    with pytest.raises(IngestError, match="corrompu|sans aucune page|aucun texte"):
        load_file(path)


def test_encrypted_pdf_with_password_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", ["Texte confidentiel."], password="motdepasse")
    with pytest.raises(IngestError, match="mot de passe"):
        load_file(path)


def test_encrypted_pdf_with_empty_password_is_read(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "protege.pdf", ["Texte lisible malgre le chiffrement."], password="")
    doc = load_file(path)
    assert "Texte lisible" in doc.text
    assert any("chiffré" in w for w in doc.warnings)


def test_scanned_pdf_without_text_needs_ocr(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": graphics only, no text layer
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError, match="OCR"):
        load_file(path)


def test_renamed_zip_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "faux.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "pas un document Word")
    with pytest.raises(IngestError, match="Word"):
        load_file(path)
    garbage = tmp_path / "casse.docx"
    garbage.write_bytes(b"not a zip at all")
    with pytest.raises(IngestError, match="DOCX corrompu"):
        load_file(garbage)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "gros.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(IngestError, match="trop volumineux"):
        load_file(path, max_bytes=1000)
