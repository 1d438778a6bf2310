"""The SYNTHETIC development corpora evals/corpora/multi/ and evals/corpora/programme/ and their test sets.

Checks that each test set is consistent with the documents as the project's own loaders read them:
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
PROGRAMME = REPO / "evals" / "corpora" / "programme"
CORPORA = {"multi": MULTI, "programme": PROGRAMME}
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
SERVICES = [
    "Alfortville", "Boulogne-Billancourt", "Bourg-la-Reine", "CCAS de Bobigny", "Créteil", "Épinay-sur-Seine",
    "Est Ensemble (EPT)", "Gentilly", "Issy-les-Moulineaux", "Le Kremlin-Bicêtre", "Les Lilas", "Montreuil",
    "Nogent-sur-Marne", "Suresnes", "Villeneuve-Saint-Georges",
]
# The four rules of the programme corpus's règlement that its avenant n°1 supersedes: (old, new).
SUPERSEDED = {
    "deadline": ("vendredi 7 novembre 2025 à 12 h", "vendredi 21 novembre 2025 à 12 h"),
    "ceiling": ("12 000 euros", "18 000 euros"),
    "envelope": ("180 000 euros", "270 000 euros"),
    "committee": ("au plus tard le 28 novembre 2025", "au plus tard le 5 décembre 2025"),
}


def corpus_documents(name: str) -> list[Path]:
    return sorted((CORPORA[name] / "documents").iterdir())


ALL_DOCUMENTS = [p for name in CORPORA for p in corpus_documents(name)]


@lru_cache(maxsize=None)
def files_for(stem: str, corpus: str = "multi") -> tuple[Path, ...]:
    """The files of a document stem: the corpus's synthetic documents first, then the bundled corpus."""
    for folder in (CORPORA[corpus] / "documents", CORPUS):
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


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus_testset(request):
    """(corpus name, its test set), for the checks every development corpus must pass."""
    return request.param, load_testset(CORPORA[request.param] / "testset.yaml")


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


def test_every_source_document_exists(corpus_testset):
    name, testset = corpus_testset
    missing = sorted({s.document for c in testset.cases for s in c.sources if not files_for(s.document, name)})
    assert not missing, f"documents introuvables : {missing}"


def test_source_passages_are_verbatim(corpus_testset):
    """Each passage is in the loaded text of every file of its document (the MD and PDF copies alike)."""
    name, testset = corpus_testset
    problems = []
    for case in testset.cases:
        for source in case.sources:
            for path in files_for(source.document, name):
                if normalise(source.passage) not in loaded_text(path):
                    problems.append(f"{case.id}: « {source.passage} » absent de {path.name}")
    assert not problems, "\n".join(problems)


def test_expected_facts_are_in_a_source_document(corpus_testset):
    name, testset = corpus_testset
    problems = []
    for case in testset.cases:
        if case.must_abstain:
            continue
        texts = [loaded_text(p) for s in case.sources for p in files_for(s.document, name)]
        for variants in case.expected_facts:
            if not any(normalise(v) in t for v in variants for t in texts):
                problems.append(f"{case.id}: aucun de {variants} dans ses documents sources")
    assert not problems, "\n".join(problems)


def test_every_synthetic_document_is_used(corpus_testset):
    name, testset = corpus_testset
    used = {s.document for c in testset.cases for s in c.sources}
    unused = [p.name for p in corpus_documents(name) if p.stem not in used]
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
    if suffix == ".txt":
        # Plain text has no metadata: its header block carries a « Statut : » line instead.
        head = path.read_text(encoding="utf-8").splitlines()[:5]
        return " ".join(line for line in head if line.startswith("Statut :"))
    raise AssertionError(f"format inattendu : {path.name}")


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
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


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_build_is_deterministic(name: str, tmp_path: Path, monkeypatch):
    """Running build.py again writes the same bytes as the committed documents."""
    pytest.importorskip("reportlab")
    pytest.importorskip("docx")
    folder = CORPORA[name]
    spec = importlib.util.spec_from_file_location(f"{name}_build", folder / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in (folder / "documents").iterdir())
    different = [n for n in built if not filecmp.cmp(tmp_path / n, folder / "documents" / n, shallow=False)]
    assert not different, f"build.py ne reproduit pas : {different}"


# ============================================================ the « programme » corpus
PROGRAMME_DOCS = PROGRAMME / "documents"


def programme_text(name: str) -> str:
    return load_file(PROGRAMME_DOCS / name).text


def test_programme_testset_size_and_mix():
    text = (PROGRAMME / "testset.yaml").read_text(encoding="utf-8")
    cases = load_testset(PROGRAMME / "testset.yaml").cases
    counts = Counter(c.category for c in cases)
    assert len(cases) >= 120
    assert counts["out_of_corpus"] >= 20 and all(c.must_abstain for c in cases if c.category == "out_of_corpus")
    for category in ("factual", "list", "membership_yes", "membership_no", "paraphrase", "multi_hop", "rules",
                     "right_act", "fuzzy_name", "follow_up"):
        assert counts[category] >= 5, category
    assert all(c.id.startswith("p-") for c in cases)
    assert all(c.history for c in cases if c.category == "follow_up") and counts["follow_up"] >= 5
    assert text.lstrip().startswith("#") and "SYNTHETIC" in text.split("cases:")[0]
    # Passages short enough to point at one spot, long enough to be unambiguous.
    assert all(20 <= len(s.passage) <= 120 for c in cases for s in c.sources), \
        [s.passage for c in cases for s in c.sources if not 20 <= len(s.passage) <= 120]


def test_programme_amended_rules_are_tested_with_the_old_value_forbidden():
    """Where the avenant superseded a rule, cases expect the new value and forbid the old one."""
    cases = load_testset(PROGRAMME / "testset.yaml").cases
    reglement = normalise(programme_text("reglement_parcours_ia_services_habitants.docx"))
    avenant = normalise(programme_text("avenant_1_reglement_ia_services_habitants.pdf"))
    for old, new in SUPERSEDED.values():
        assert normalise(old) in reglement and normalise(new) not in reglement
        assert normalise(new) in avenant
    amended = [c for c in cases if any(normalise(f) in normalise(old) for f in c.forbidden for old, _ in SUPERSEDED.values())]
    assert len(amended) >= 6, [c.id for c in amended]
    for case in amended:
        expected = " ".join(normalise(v) for variants in case.expected_facts for v in variants)
        assert not any(normalise(f) in expected for f in case.forbidden), case.id


@pytest.mark.parametrize("name", ["BM2025-12-17-09_deliberation_bureau.pdf",
                                  "avenant_1_reglement_ia_services_habitants.pdf"])
def test_programme_pdfs_extract_cleanly(name: str):
    document = load_file(PROGRAMME_DOCS / name)
    assert document.pages and document.pages >= 2
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]", document.text), "caractère de contrôle dans le texte"
    assert "page 1/" not in document.text, "le pied de page courant aurait dû être retiré"
    if name.startswith("BM"):
        body = normalise(document.text)
        assert all(normalise(n) in body for n in SERVICES)
        assert "Pour : 33 ; Contre : 2 ; Abstentions : 3" in document.text
    else:
        assert re.findall(r"^Article (\d) – ", document.text, re.MULTILINE) == [str(i) for i in range(1, 7)]


def test_programme_documents_are_complete():
    assert len(SERVICES) == 15
    communique = normalise(programme_text("communique_presse_ia_services_habitants.html"))
    assert all(normalise(n) in communique for n in SERVICES)
    reglement = programme_text("reglement_parcours_ia_services_habitants.docx")
    assert re.findall(r"^Article (\d+) – ", reglement, re.MULTILINE) == [str(i) for i in range(1, 15)]
    assert "Attention portée aux publics éloignés du numérique" in reglement  # a cell of the Word table
    faq = (PROGRAMME_DOCS / "faq_parcours_ia_services_habitants.html").read_text(encoding="utf-8")
    assert faq.count('class="faq-question"') >= 15, "une quinzaine de questions attendue"
    # The site boilerplate around the questions is part of what this corpus tests.
    for marker in ('id="cookie-banner"', 'class="main-menu"', 'aria-label="Fil d\'Ariane"', '<footer'):
        assert marker in faq, marker
    report = programme_text("rapport_activite_ia_services_habitants_2026.docx")
    for cell in ("Agent conversationnel des inscriptions scolaires et périscolaires", "12 en service", "Clamart"):
        assert cell in report
    guide = programme_text("guide_candidature_ia_services_habitants.txt")
    assert "parcours-ia@exemple.fr" in guide and "Date limite de dépôt des dossiers" in guide
    total = sum(len(load_file(p).text) for p in PROGRAMME_DOCS.iterdir())
    assert 25_000 <= total <= 45_000, total
    # No real e-mail domain: only the reserved fictional ones.
    for path in PROGRAMME_DOCS.iterdir():
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", load_file(path).text):
            assert address.endswith("@exemple.fr"), address
