"""Generic structure of French administrative documents on real files built in the test: articles
as sections (DOCX, PDF, Markdown), tables read row by row with their headers (DOCX, HTML, Markdown),
lists kept whole, titles and types read from the document itself, and « l'article 8 du règlement »
found through the real retriever.

Every document here is a SYNTHETIC test fixture (fictitious règlement, convention, compte rendu):
none of its words come from the bundled corpus, so the rules are tested on documents they were
not written for."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document, looks_like_deliberation, parse_article
from ingest.loaders import LoadedDocument, load_file
from ingest.documents import detect_doc_type, document_title
from tests.conftest import make_pdf

CRITERIA = [("Pertinence du besoin", "30"), ("Capacité de mise en œuvre", "25"), ("Impact attendu", "25"),
            ("Caractère reproductible", "20")]
PIECES = ["une lettre d'intention signée", "une fiche projet", "un calendrier prévisionnel",
          "l'accord de l'organe compétent"]


def _reglement_docx(path: Path, *, title: str | None = None) -> Path:
    """A règlement as Word writes it: title, headings, « Article N – Titre » headings, a bulleted
    list announced by a sentence, a table of criteria with a header row."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading("Règlement du dispositif fictif d'accompagnement", level=0)
    document.add_paragraph("Approuvé par délibération n° 2030-01 du conseil syndical (texte fictif).")
    document.add_heading("Titre I – Dispositions générales", level=1)
    document.add_heading("Article premier – Objet", level=2)
    document.add_paragraph("Le présent règlement fixe les conditions de participation au dispositif fictif.")
    document.add_heading("Article 2 – Dossier de candidature", level=2)
    document.add_paragraph("Le dossier de candidature comprend les pièces suivantes :")
    for piece in PIECES:
        document.add_paragraph(piece, style="List Bullet")
    document.add_heading("Article 8 – Critères d'évaluation", level=2)
    document.add_paragraph("Les dossiers sont notés selon la grille suivante :")
    table = document.add_table(rows=len(CRITERIA) + 1, cols=2)
    for j, name in enumerate(("Critère", "Points")):
        table.cell(0, j).text = name
    for i, (criterion, points) in enumerate(CRITERIA, start=1):
        table.cell(i, 0).text = criterion
        table.cell(i, 1).text = points
    document.add_paragraph("Un dossier qui obtient moins de 50 points n'est pas retenu.")
    document.add_heading("Article 9 – Durée", level=2)
    document.add_paragraph("Le dispositif fictif est ouvert pour deux années civiles.")
    document.save(str(path))
    return path


def _chunks(doc: LoadedDocument, size: int = 600, overlap: int = 100, title: str = "t"):
    structured = looks_like_deliberation(doc.text) or sum(
        1 for line in doc.text.splitlines() if line.strip().lower().startswith("article ")
    ) >= 2  # what the pipeline passes
    return chunk_document(doc, "doc", title, deliberation=structured, chunk_size=size, chunk_overlap=overlap)


# ------------------------------------------------------------------------------ articles
@pytest.mark.parametrize(
    "line, number, label",
    [
        ("Article 8 – Critères d'évaluation", "8", "Article 8 – Critères d'évaluation"),
        ("Article 8 : Critères", "8", "Article 8 – Critères"),
        ("ARTICLE 8 - CRITÈRES", "8", "Article 8 – CRITÈRES"),
        ("Art. 8 – Critères", "8", "Article 8 – Critères"),
        ("Article premier – Objet", "1", "Article premier – Objet"),
        ("Article 1er : Objet", "1", "Article 1er – Objet"),
        ("## Article 8-1 – Cas particuliers", "8-1", "Article 8-1 – Cas particuliers"),
        ("Article 8.1 : Cas particuliers", "8.1", "Article 8.1 – Cas particuliers"),
        ("**Article 3 : Durée**", "3", "Article 3 – Durée"),
        ("Article 4", "4", "Article 4"),
    ],
)
def test_article_lines(line: str, number: str, label: str) -> None:
    head = parse_article(line)
    assert head is not None and (head.number, head.label) == (number, label)


@pytest.mark.parametrize(
    "line",
    ["Article 3 du règlement précise les modalités.", "Article L.5219-1 du code", "Article 12 de la loi",
     "Article 4 – Durée ........ 7", "- Article 3 : durée"],
)
def test_lines_that_open_no_article(line: str) -> None:
    assert parse_article(line) is None


def test_docx_articles_are_sections(tmp_path: Path) -> None:
    doc = load_file(_reglement_docx(tmp_path / "reglement.docx"))
    chunks = _chunks(doc)
    by_article = {}
    for c in chunks:
        by_article.setdefault(c.article, []).append(c)
    assert [c.section for c in by_article["1"]] == ["Article premier – Objet"]
    assert by_article["8"][0].section == "Article 8 – Critères d'évaluation"
    assert set(by_article) == {None, "1", "2", "8", "9"}
    # The heading of a division right before an article goes with that article.
    assert by_article["1"][0].text.startswith("Titre I – Dispositions générales")
    assert all(c.block_type == "article" for a, cs in by_article.items() if a for c in cs)
    # The text before the first article is not an article.
    assert "Approuvé par délibération" in by_article[None][0].text


def test_a_long_article_keeps_its_number_over_two_pdf_pages(tmp_path: Path) -> None:
    duration = "La convention est conclue pour une durée de deux ans à compter de sa signature. " * 6
    renewal = "Elle peut être renouvelée une fois par avenant exprès des parties. " * 4
    path = make_pdf(tmp_path / "convention.pdf", [
        "CONVENTION DE PARTENARIAT (modèle fictif)\n\nEntre la collectivité A et la commune B.\n\n"
        "Article 1 - Objet\nLa présente convention définit un partenariat fictif.\n\n"
        "Article 2 - Engagements\nLa collectivité A s'engage à former les agents.\n\n"
        "Article 3 - Durée\n" + duration,
        renewal + "\n\nArticle 4 - Résiliation\nChaque partie peut résilier avec un préavis de trois mois.",
    ], title="Convention type de partenariat (fictive)")
    doc = load_file(path)
    chunks = _chunks(doc, size=600, overlap=100)
    third = [c for c in chunks if c.article == "3"]
    assert len(third) >= 2 and {c.page for c in third} == {1, 2}
    assert all(c.section == "Article 3 – Durée" for c in third)
    assert "renouvelée" in third[-1].text and "Résiliation" not in third[-1].text
    assert [c.article for c in chunks if c.article][-1] == "4"
    assert document_title(path, doc, None) == "Convention type de partenariat (fictive)"
    assert detect_doc_type(path, doc, looks_like_deliberation(doc.text)) == "convention"


def test_pdf_en_dash_articles(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # « – » is not Latin-1
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "RÈGLEMENT INTÉRIEUR (fictif)\n\nArticle 1 – Objet\nTexte de l'objet.\n\n"
                         "Article 2 – Durée\nDeux ans.")
    path = tmp_path / "reglement.pdf"
    pdf.output(str(path))
    doc = load_file(path)
    chunks = _chunks(doc)
    assert [(c.article, c.section) for c in chunks if c.article] == [("1", "Article 1 – Objet"), ("2", "Article 2 – Durée")]
    assert document_title(path, doc, None) == "RÈGLEMENT INTÉRIEUR (fictif)"
    assert detect_doc_type(path, doc, False) == "règlement"


def test_markdown_articles_and_table(tmp_path: Path) -> None:
    path = tmp_path / "charte.md"
    path.write_text(
        "# Charte fictive d'usage des outils\n\nPréambule de la charte.\n\n"
        "## Article 1 : Champ\n\nLa charte s'applique aux agents.\n\n"
        "## Article 2 : Niveaux d'accès\n\nLes accès sont les suivants :\n\n"
        "| Profil | Accès | Validation |\n|---|---|---|\n| Agent | Lecture | Chef de service |\n"
        "| Administrateur | Écriture | Direction |\n\nFin de l'article.\n",
        encoding="utf-8",
    )
    doc = load_file(path)
    assert "Profil : Agent ; Accès : Lecture ; Validation : Chef de service" in doc.text
    assert doc.headings[-1].title == "Article 2 : Niveaux d'accès"
    chunks = _chunks(doc)
    second = [c for c in chunks if c.article == "2"]
    assert len(second) == 1 and second[0].section == "Article 2 – Niveaux d'accès"
    assert "Profil : Administrateur ; Accès : Écriture ; Validation : Direction" in second[0].text
    assert (document_title(path, doc, None), detect_doc_type(path, doc, False)) == (
        "Charte fictive d'usage des outils", "charte")


def test_a_table_of_contents_is_not_the_articles(tmp_path: Path) -> None:
    text = ("RÈGLEMENT FICTIF\n\nSommaire\n\nArticle 1 – Objet\n\nArticle 2 – Durée\n\nPréambule\n\n"
            "Le préambule explique le contexte fictif.\n\nArticle 1 – Objet\n\nLe règlement a un objet fictif.\n\n"
            "Article 2 – Durée\n\nLe règlement dure un an.\n")
    chunks = _chunks(LoadedDocument(text=text, format="txt"))
    first = [c for c in chunks if c.article == "1"]
    assert len(first) == 1 and "objet fictif" in first[0].text
    assert all("Sommaire" not in c.text for c in chunks if c.article)


def test_deliberation_articles_still_give_decisions() -> None:
    from ingest.records import extract_record

    text = ("DÉLIBÉRATION N° 2030-07\nSéance du conseil syndical du 3 février 2030\nObjet : adhésion fictive\n\n"
            "Vu le code général des collectivités territoriales,\n\nConsidérant l'intérêt de l'adhésion,\n\n"
            "DÉLIBÈRE\n\nArticle 1 : APPROUVE l'adhésion au syndicat fictif.\n\n"
            "Article 2 : AUTORISE le président à signer la convention d'adhésion.\n\n"
            "Adopté à l'unanimité des suffrages exprimés\n")
    doc = LoadedDocument(text=text, format="txt")
    chunks = chunk_document(doc, "d", "t", deliberation=True, chunk_size=600, chunk_overlap=100)
    record = extract_record("d", text, chunks)
    assert [d.verb for d in record.decisions] == ["APPROUVE", "AUTORISE"]
    assert [(c.article, c.section) for c in chunks if c.article] == [("1", "Article 1"), ("2", "Article 2")]


def test_headings_of_an_act_go_with_what_they_announce() -> None:
    from ingest.records import extract_record

    text = ("DÉLIBÉRATION N° 2030-09\nSéance du conseil syndical du 5 mars 2030\n\n"
            "Vu le code général des collectivités territoriales,\n\nConsidérant l'intérêt du projet fictif,\n\n"
            "## Après en avoir délibéré, DÉCIDE :\n\n**Article 1** : Est créé un groupe de travail fictif.\n\n"
            "**Article 2** : Le président est chargé de l'exécution.\n\n## Résultat du vote\n\n"
            "Pour : 20 ; Contre : 2 ; Abstentions : 1\n\nPour extrait conforme,\n")
    doc = LoadedDocument(text=text, format="markdown")
    chunks = chunk_document(doc, "d", "t", deliberation=True, chunk_size=600, chunk_overlap=100)
    first = next(c for c in chunks if c.article == "1")
    assert first.text.startswith("## Après en avoir délibéré, DÉCIDE :")  # not left with the considérant
    assert not any(c.text.strip() in ("## Résultat du vote", "## Après en avoir délibéré, DÉCIDE :") for c in chunks)
    assert extract_record("d", text, chunks).vote == "Pour : 20 ; Contre : 2 ; Abstentions : 1"


def test_end_of_a_convention_annexes_and_signatures() -> None:
    text = ("CONVENTION FICTIVE\n\nArticle 1 – Objet\nUn objet fictif.\n\nArticle 2 – Litiges\n"
            "Tout litige relève du juge compétent.\nAnnexe 1 : liste des pièces.\nAnnexe 2 : calendrier.\n"
            "Fait à Exempleville, le 2 mai 2030, en deux exemplaires.\nPour la collectivité A, le président\n")
    chunks = _chunks(LoadedDocument(text=text, format="txt"))
    assert [c.section for c in chunks] == ["", "Article 1 – Objet", "Article 2 – Litiges", "Signature et mentions"]
    assert "Annexe 2 : calendrier." in chunks[2].text  # a list of annexes, not two sections
    assert chunks[3].block_type == "signature" and chunks[3].article is None


# -------------------------------------------------------------------------------- tables
def test_docx_table_rows_repeat_their_headers(tmp_path: Path) -> None:
    doc = load_file(_reglement_docx(tmp_path / "reglement.docx"))
    assert "Critère : Pertinence du besoin ; Points : 30" in doc.text
    assert "Critère\n" not in doc.text and " | " not in doc.text
    chunks = _chunks(doc)
    eighth = [c for c in chunks if c.article == "8"]
    assert len(eighth) == 1  # the article fits: announcing sentence, table and closing sentence together
    for criterion, points in CRITERIA:
        assert f"Critère : {criterion} ; Points : {points}" in eighth[0].text
    assert "Les dossiers sont notés selon la grille suivante :" in eighth[0].text


def test_a_long_table_is_cut_between_rows(tmp_path: Path) -> None:
    doc = load_file(_reglement_docx(tmp_path / "reglement.docx"))
    rows = [doc.text[s:e] for s, e in doc.tables[0].rows]
    chunks = _chunks(doc, size=200, overlap=50)
    eighth = [c for c in chunks if c.article == "8"]
    assert len(eighth) >= 2
    assert all(c.section == "Article 8 – Critères d'évaluation" for c in eighth)
    for row in rows:  # each row whole in exactly one chunk
        assert sum(row in c.text for c in eighth) == 1
    for c in eighth:  # no chunk holds a piece of a row
        for line in c.text.split("\n"):
            assert not line.startswith("Critère") or line in rows
    # The sentence announcing the table stays with its first rows.
    announcing = next(c for c in eighth if "grille suivante :" in c.text)
    assert rows[0] in announcing.text


def test_a_sentence_introducing_a_table_stays_with_its_first_rows(tmp_path: Path) -> None:
    from tests.conftest import make_docx

    steps = "\n".join(f"Étape fictive numéro {i} | Délai fictif de {i} semaines après le lancement" for i in range(1, 9))
    path = make_docx(tmp_path / "calendrier.docx", [
        ("h1", "Article 9 – Calendrier"), ("p", "Chaque parcours suit le calendrier indicatif ci-dessous."),
        ("table", "Étape | Délai\n" + steps),
    ])
    chunks = _chunks(load_file(path), size=400, overlap=50)
    assert len(chunks) >= 2 and all(c.article == "9" for c in chunks)
    assert "ci-dessous." in chunks[0].text and "Étape : Étape fictive numéro 1 ; Délai :" in chunks[0].text


def test_table_rows_open_no_section(tmp_path: Path) -> None:
    from tests.conftest import make_docx

    path = make_docx(tmp_path / "publications.docx", [
        ("h1", "Publications fictives"), ("p", "Les publications de l'année :"),
        ("table", "Titre | Auteur\nRapport annuel | Service A\nSection | Service B\nArticle 4 | Service C"),
    ])
    chunks = _chunks(load_file(path))
    assert len(chunks) == 1 and chunks[0].section == "Publications fictives" and chunks[0].article is None
    assert "Titre : Rapport annuel ; Auteur : Service A" in chunks[0].text
    assert "Titre : Article 4 ; Auteur : Service C" in chunks[0].text


def test_html_tables(tmp_path: Path) -> None:
    path = tmp_path / "compte_rendu.html"
    path.write_text(
        "<html><head><title>Compte rendu du comité fictif du 3 mars 2030</title></head><body>"
        "<h1>Compte rendu du comité fictif</h1><p>Présents : cinq membres.</p>"
        "<h2>Décisions</h2><table><caption>Relevé des décisions</caption>"
        "<thead><tr><th>Sujet</th><th>Décision</th><th>Échéance</th></tr></thead>"
        "<tbody><tr><td>Budget</td><td>Adopté</td><td>Avril</td></tr>"
        "<tr><td>Calendrier</td><td colspan='2'>Reporté</td></tr></tbody></table>"
        "<h2>Participants</h2><table><tr><th>Président</th><td>M. Fictif</td></tr>"
        "<tr><th>Secrétaire</th><td>Mme Exemple</td></tr></table>"
        "<ul><li>premier point</li><li>second point</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = load_file(path)
    assert "Sujet : Budget ; Décision : Adopté ; Échéance : Avril" in doc.text
    assert "Sujet : Calendrier ; Décision : Reporté ; Échéance : Reporté" in doc.text
    assert "Président : M. Fictif" in doc.text and "Secrétaire : Mme Exemple" in doc.text
    assert "- second point" in doc.text
    chunks = _chunks(doc)
    decisions = [c for c in chunks if c.section == "Décisions"]
    assert len(decisions) == 1 and decisions[0].text.startswith("Décisions\n\nRelevé des décisions")
    assert detect_doc_type(path, doc, False) == "compte rendu"


# --------------------------------------------------------------------------------- lists
LIST_TEXT = (
    "# Note fictive\n\nUn paragraphe d'introduction qui présente le dispositif fictif et son contexte général "
    "sans rien annoncer de particulier pour la suite du texte.\n\n"
    "Les communes fictives retenues doivent respecter les engagements suivants :\n\n"
    + "".join(f"- engagement numéro {i} : une obligation fictive décrite en quelques mots ;\n" for i in range(1, 6))
    + "\nUn paragraphe de conclusion.\n"
)


def test_a_list_and_its_announcing_sentence_stay_together() -> None:
    doc = LoadedDocument(text=LIST_TEXT, format="markdown")
    chunks = _chunks(doc, size=600)
    holding = [c for c in chunks if "engagements suivants :" in c.text]
    assert len(holding) == 1
    assert all(f"engagement numéro {i} :" in holding[0].text for i in range(1, 6))


def test_a_list_too_long_is_cut_between_items() -> None:
    doc = LoadedDocument(text=LIST_TEXT, format="markdown")
    chunks = _chunks(doc, size=250, overlap=60)
    items = [line for line in LIST_TEXT.split("\n") if line.startswith("- ")]
    for item in items:
        assert sum(item in c.text for c in chunks) == 1  # whole, once
    intro = next(c for c in chunks if "engagements suivants :" in c.text)
    assert items[0] in intro.text  # the sentence announcing the list goes with its first item
    for c in chunks:
        for line in c.text.split("\n"):
            assert not line.startswith("- ") or line in items


def test_docx_bullets_are_list_items(tmp_path: Path) -> None:
    doc = load_file(_reglement_docx(tmp_path / "reglement.docx"))
    for piece in PIECES:
        assert f"- {piece}" in doc.text
    second = [c for c in _chunks(doc) if c.article == "2"]
    assert len(second) == 1 and all(piece in second[0].text for piece in PIECES)
    assert "pièces suivantes :" in second[0].text


# ------------------------------------------------------------------------- titles, types
def test_titles_and_types_come_from_the_document(tmp_path: Path) -> None:
    docx_path = _reglement_docx(tmp_path / "sans_nom.docx")
    doc = load_file(docx_path)
    # No core title: the title is the document's first heading; it names a règlement, which wins
    # over the « délibération » of its first lines.
    assert document_title(docx_path, doc, None) == "Règlement du dispositif fictif d'accompagnement"
    assert detect_doc_type(docx_path, doc, looks_like_deliberation(doc.text)) == "règlement"
    titled = load_file(_reglement_docx(tmp_path / "autre.docx", title="Règlement fictif (version déclarée)"))
    assert document_title(docx_path, titled, None) == "Règlement fictif (version déclarée)"

    def txt(text: str, name: str = "document.txt", **kw) -> tuple[Path, LoadedDocument]:
        return Path(name), LoadedDocument(text=text, format="txt", **kw)

    path, doc = txt("RÉPUBLIQUE FRANÇAISE\n\nRÈGLEMENT\nDU PROGRAMME FICTIF\n\nVu la délibération n° 2030-01,\n\n"
                    "Considérant l'intérêt du programme,\n\nArticle 1 : Objet\nTexte.")
    assert document_title(path, doc, None) == "RÈGLEMENT DU PROGRAMME FICTIF"
    assert detect_doc_type(path, doc, looks_like_deliberation(doc.text)) == "règlement"

    path, doc = txt("SYNDICAT FICTIF\n\nRéunion du groupe de travail numérique\n\nLa séance est ouverte à 10 h.")
    assert document_title(path, doc, None) == "Réunion du groupe de travail numérique"  # the banner is skipped
    assert detect_doc_type(path, doc, False) == "autre"

    path, doc = txt("Procès-verbal de la séance du comité fictif\n\nLa séance est ouverte.")
    assert detect_doc_type(path, doc, False) == "compte rendu"
    path, doc = txt("Texte.", name="note_de_synthese.txt")
    assert (document_title(path, doc, None), detect_doc_type(path, doc, False)) == ("note de synthese", "synthèse")
    path, doc = txt("Texte sans titre ici.", metadata={"type": "arrêté"})
    assert detect_doc_type(path, doc, False) == "arrêté"
    path, doc = txt("Arrêté n° 2030-12 portant délégation de signature (fictif)\n\nLe président,\n\nARRÊTE :")
    assert detect_doc_type(path, doc, False) == "arrêté"


def test_placeholder_pdf_titles_are_ignored(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "modele.pdf", ["MODÈLE DE CONVENTION D'ENGAGEMENT (fictif)\n\nEntre les parties."],
                    title="Microsoft Word - modele_v3.docx")
    doc = load_file(path)
    assert doc.title is None
    assert document_title(path, doc, None) == "MODÈLE DE CONVENTION D'ENGAGEMENT (fictif)"
    assert detect_doc_type(path, doc, False) == "convention"


# ------------------------------------------------------------ « l'article 8 du règlement »
@pytest.fixture(scope="module")
def structured_index(tmp_path_factory, embeddings):
    """A real index (the ingestion pipeline, the real embedding model, Chroma) over the bundled
    corpus plus a fictitious règlement (DOCX) and convention (PDF) that both have an article 8."""
    import shutil

    from assistant.config import Settings
    from ingest.pipeline import Ingestor
    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("structured")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    _reglement_docx(corpus / "reglement_fictif.docx")
    pages = ["CONVENTION D'OBJECTIFS (modèle fictif)\n\nEntre la collectivité A et la commune B.\n\n"
             + "".join(f"Article {n} - Clause {n}\nLes parties conviennent de la clause fictive {n}.\n\n" for n in range(1, 8)),
             "Article 8 - Litiges\nTout litige relève du tribunal administratif compétent, après une tentative "
             "de conciliation amiable.\n\nArticle 9 - Signature\nLa convention est signée en deux exemplaires."]
    make_pdf(corpus / "convention_fictive.pdf", pages)
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [] and report.documents == 5
    return settings


def _retriever(settings, embeddings, k: int = 5):
    from assistant.components.vectorstore import build_store
    from assistant.index import Generation
    from assistant.retrieval import HybridRetriever
    from assistant.index_store import GenerationStore

    view = Generation(GenerationStore(settings.index_dir), build_store(settings))
    return view, HybridRetriever(view=view, embeddings=embeddings, settings=settings, k=k)


def test_stored_chunks_carry_the_article(structured_index) -> None:
    from assistant.index_store import GenerationStore

    state = GenerationStore(structured_index.index_dir)
    docs = state.load_manifest().documents
    reglement = docs["reglement_fictif.docx"]
    assert (reglement.title, reglement.doc_type) == ("Règlement du dispositif fictif d'accompagnement", "règlement")
    convention = docs["convention_fictive.pdf"]
    assert (convention.title, convention.doc_type) == ("CONVENTION D'OBJECTIFS (modèle fictif)", "convention")
    chunks = state.read_document_file(reglement.doc_file).chunks
    eighth = [c for c in chunks if c.metadata.get("article") == "8"]
    assert eighth and eighth[0].metadata["section"] == "Article 8 – Critères d'évaluation"
    # The bundled corpus has no articles: its chunks carry none.
    for doc_id, entry in docs.items():
        if doc_id not in ("reglement_fictif.docx", "convention_fictive.pdf"):
            assert not any("article" in c.metadata for c in state.read_document_file(entry.doc_file).chunks)


@pytest.mark.parametrize(
    "question, document, needle",
    [
        ("Que dit l'article 8 du règlement ?", "reglement_fictif.docx", "Critère : Pertinence du besoin ; Points : 30"),
        ("Que prévoit l'art. 8 de la convention ?", "convention_fictive.pdf", "tribunal administratif"),
        ("Quel est l'objet de l'article premier du règlement ?", "reglement_fictif.docx", "conditions de participation"),
    ],
)
def test_a_named_article_comes_first(structured_index, embeddings, question, document, needle) -> None:
    _, retriever = _retriever(structured_index, embeddings)
    passages = retriever.passages(question)
    assert passages[0].metadata["document"] == document
    assert needle in passages[0].text


def test_article_hits(structured_index, embeddings) -> None:
    from assistant.articles import article_hits

    view, _ = _retriever(structured_index, embeddings)

    def documents(question: str) -> list[str]:
        return [view.chunks[c].metadata["document"] for c in article_hits(view, question)]

    assert set(documents("l'article 8 du règlement")) == {"reglement_fictif.docx"}
    assert set(documents("article 8")) == {"reglement_fictif.docx", "convention_fictive.pdf"}
    assert documents("article 8")[0] == "convention_fictive.pdf"  # ordered by document
    assert documents("l'article 8 de la délibération") == []  # the deliberations have no article 8
    assert documents("l'article 12 de la loi MAPTAM") == []
    assert documents("Quelles communes sont retenues ?") == []
    assert set(documents("les articles 8 et 9 de la convention")) == {"convention_fictive.pdf"}
    assert len(article_hits(view, "les articles 8 et 9 de la convention")) == 2


def test_what_a_colon_announces_is_quoted_with_it() -> None:
    """« … des quatre communes suivantes : » then a paragraph of names (not list items): quoting
    the sentence alone would answer « which communes? » with none."""
    from assistant.generation import split_sentences

    text = ("APPROUVE l'ajout à la liste des bénéficiaires des quatre communes fictives suivantes :\n\n"
            "Sceaux, Vanves, Bagneux, Malakoff.\n\nPRÉCISE que la liste compte désormais douze communes.")
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans[0].endswith("Sceaux, Vanves, Bagneux, Malakoff.")
    assert spans[1].startswith("PRÉCISE")
    # Never across a heading, and a form label announces nothing.
    text = "Il est convenu ce qui suit :\n\n## Article 1\n\nLa convention dure deux ans.\n\nNom :\n\nPrénom :"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Il est convenu ce qui suit :", "La convention dure deux ans.", "Nom :", "Prénom :"]
