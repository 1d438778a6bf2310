"""The SYNTHETIC development corpus evals/corpora/multi/ and its test set.

Checks that the test set is consistent with the documents as the project's own loaders read them:
every source passage is in its document, every expected fact is in one of the case's source
documents, and every synthetic document says it is synthetic (first line of text and metadata).
The documents are invented test fixtures, never programme rules.
"""

from __future__ import annotations

import filecmp
import importlib.util
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from evals.metrics import normalise
from evals.schema import load_testset
from ingest.loaders import load_file

REPO = Path(__file__).resolve().parent.parent
MULTI = REPO / "evals" / "corpora" / "multi"
DOCUMENTS = MULTI / "documents"
TESTSET = MULTI / "testset.yaml"
CORPUS = REPO / "corpus"
MARK = normalise("SYNTHÉTIQUE")

ENERGIE = [
    "Antony", "Bagneux", "Bondy", "Cachan", "Champigny-sur-Marne", "Colombes", "Fontenay-sous-Bois",
    "Gennevilliers", "Grand Paris Sud Est Avenir (EPT)", "Montreuil", "Nanterre", "Pantin",
    "Saint-Maur-des-Fossés", "Sceaux", "Sevran", "Villejuif", "Vincennes", "Vitry-sur-Seine",
]
MOBILITES = [
    "Aubervilliers", "Bagnolet", "Drancy", "Gennevilliers", "Le Blanc-Mesnil", "Montreuil", "Pantin",
    "Plaine Commune (EPT)", "Romainville", "Saint-Denis", "Saint-Ouen-sur-Seine", "Tremblay-en-France",
]


@lru_cache(maxsize=None)
def files_for(stem: str) -> tuple[Path, ...]:
    """The files of a document stem: the synthetic documents first, then the bundled corpus."""
    for folder in (DOCUMENTS, CORPUS):
        found = tuple(sorted(p for p in folder.glob(f"{stem}.*") if p.is_file()))
        if found:
            return found
    return ()


@lru_cache(maxsize=None)
def loaded_text(path: Path) -> str:
    return normalise(load_file(path).text)


@pytest.fixture(scope="module")
def testset():
    return load_testset(TESTSET)


def test_testset_size_and_mix(testset):
    cases = testset.cases
    counts = Counter(c.category for c in cases)
    assert len(cases) >= 150
    assert counts["out_of_corpus"] >= 25
    assert counts["right_act"] >= 20
    assert counts["rules"] >= 30
    assert all(c.id.startswith("m-") for c in cases)
    assert 4 <= sum(c.language == "en" for c in cases) <= 6
    assert sum(bool(c.history) for c in cases) >= 3
    assert TESTSET.read_text(encoding="utf-8").lstrip().startswith("#"), "en-tête de commentaires attendu"
    assert "SYNTHETIC" in TESTSET.read_text(encoding="utf-8").split("cases:")[0]


def test_every_source_document_exists(testset):
    missing = sorted({s.document for c in testset.cases for s in c.sources if not files_for(s.document)})
    assert not missing, f"documents introuvables : {missing}"


def test_source_passages_are_verbatim(testset):
    """Each passage is in the loaded text of every file of its document (the MD and PDF copies alike)."""
    problems = []
    for case in testset.cases:
        for source in case.sources:
            for path in files_for(source.document):
                if normalise(source.passage) not in loaded_text(path):
                    problems.append(f"{case.id}: « {source.passage} » absent de {path.name}")
    assert not problems, "\n".join(problems)


def test_expected_facts_are_in_a_source_document(testset):
    problems = []
    for case in testset.cases:
        if case.must_abstain:
            continue
        texts = [loaded_text(p) for s in case.sources for p in files_for(s.document)]
        for variants in case.expected_facts:
            if not any(normalise(v) in t for v in variants for t in texts):
                problems.append(f"{case.id}: aucun de {variants} dans ses documents sources")
    assert not problems, "\n".join(problems)


def test_every_synthetic_document_is_used(testset):
    used = {s.document for c in testset.cases for s in c.sources}
    unused = [p.name for p in DOCUMENTS.iterdir() if p.stem not in used]
    assert not unused, f"documents sans aucun cas : {unused}"


def _metadata(path: Path) -> str:
    """The file's own metadata, read with the format's library (not the project's loader)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        props = docx.Document(str(path)).core_properties
        return " ".join(filter(None, [props.title, props.subject, props.comments, props.keywords]))
    if suffix == ".pdf":
        from pypdf import PdfReader

        info = PdfReader(str(path)).metadata or {}
        return " ".join(str(info.get(k) or "") for k in ("/Title", "/Subject", "/Keywords"))
    if suffix in {".md", ".markdown"}:
        match = re.match(r"\A---\s*\n(.*?)\n---\s*\n", path.read_text(encoding="utf-8"), re.DOTALL)
        assert match, f"{path.name} : en-tête YAML attendu"
        front = yaml.safe_load(match.group(1))
        assert front.get("synthetique") is True, f"{path.name} : « synthetique: true » attendu"
        return " ".join(str(front.get(k) or "") for k in ("titre", "statut"))
    if suffix in {".html", ".htm"}:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        meta = soup.find("meta", attrs={"name": "description"})
        return (meta.get("content") if meta else "") + " " + (soup.title.get_text() if soup.title else "")
    raise AssertionError(f"format inattendu : {path.name}")


@pytest.mark.parametrize("path", sorted(DOCUMENTS.iterdir()), ids=lambda p: p.name)
def test_documents_say_they_are_synthetic(path: Path):
    assert MARK in normalise(load_file(path).text[:200]), f"{path.name} : « SYNTHÉTIQUE » absent du début du texte"
    assert MARK in normalise(_metadata(path)), f"{path.name} : « SYNTHÉTIQUE » absent des métadonnées"


@pytest.mark.parametrize("name", ["BM2025-10-15-07_deliberation_bureau.pdf", "modele_convention_engagement.pdf"])
def test_pdfs_extract_cleanly(name: str):
    document = load_file(DOCUMENTS / name)
    assert document.pages and document.pages >= 2
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]", document.text), "caractère de contrôle dans le texte"
    assert "page 1/" not in document.text, "le pied de page courant aurait dû être retiré"
    if name.startswith("BM"):
        body = normalise(document.text)
        assert all(normalise(n) in body for n in ENERGIE)
        assert "hélène marchand-duval" in document.text.lower()
    else:
        assert document.text.count("[•]") >= 5 and "Article 10 – Règlement des litiges" in document.text


def test_lists_are_complete():
    conseil = normalise(load_file(DOCUMENTS / "CM2025-12-10-04_deliberation_conseil.md").text)
    assert all(normalise(n) in conseil for n in MOBILITES)
    assert len(ENERGIE) == 18 and len(MOBILITES) == 12
    reglement = load_file(DOCUMENTS / "reglement_appropriation_metropolitaine.docx").text
    articles = re.findall(r"^Article (\d+) – ", reglement, re.MULTILINE)
    assert articles == [str(i) for i in range(1, 14)]
    # The two Word tables: every cell is read (however the loader joins the cells of a row).
    for cell in ("Disponibilité et qualité des données", "Sobriété numérique et impact environnemental",
                 "Dans les trois mois suivant la désignation", "Au moins quatre semaines après J"):
        assert cell in reglement


def test_build_is_deterministic(tmp_path: Path, monkeypatch):
    """Running build.py again writes the same bytes as the committed documents."""
    pytest.importorskip("reportlab")
    pytest.importorskip("docx")
    spec = importlib.util.spec_from_file_location("multi_build", MULTI / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in DOCUMENTS.iterdir())
    different = [n for n in built if not filecmp.cmp(tmp_path / n, DOCUMENTS / n, shallow=False)]
    assert not different, f"build.py ne reproduit pas : {different}"
