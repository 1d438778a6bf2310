"""Build the SYNTHETIC « programme » development corpus (invented facts: test fixtures only).

Every document written here is fictitious. Together they describe an invented second track of the
programme « Appropriation Métropolitaine », « IA-Services aux habitants », through kinds of documents
that the ``multi`` corpus does not have: an FAQ web page wrapped in site boilerplate (menu, breadcrumb,
cookie banner, footer links), the track's règlement (DOCX) and an amendment that supersedes four of its
rules (PDF), the Bureau deliberation that opens the track (PDF), a plain-text application guide, an
interim activity report with a Word table (DOCX) and a press release (HTML). None of their facts is a
rule of the real programme; only commune and EPT names are real and every person is imaginary. Each
file says it is synthetic in its first line of text and in its metadata.

The output is deterministic (fixed dates in the metadata, fixed ZIP timestamps for the DOCX,
``invariant=1`` for the PDFs), so running the script twice gives the same bytes.

Usage: .venv/bin/python evals/corpora/programme/build.py
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from evals.archive import deterministic_zip
from evals.pdf_kit import pdf_styles

HERE = Path(__file__).resolve().parent
OUT = HERE / "documents"

SYNTH = "DOCUMENT SYNTHÉTIQUE — fictif, créé pour les tests de l'assistant ; aucune valeur officielle."
SYNTH_META = "SYNTHÉTIQUE — document fictif créé pour les tests de l'assistant ; aucune valeur officielle."
FIXED_DATE = dt.datetime(2025, 12, 15, 9, 0, 0)
AUTHOR = "Équipe de test de l'assistant (document synthétique)"

# ------------------------------------------------------------------------------------------------
# Invented facts shared by several documents (the README lists them all)
TRACK = "IA-Services aux habitants"
BENEFICIARIES = [
    "Alfortville", "Boulogne-Billancourt", "Bourg-la-Reine", "CCAS de Bobigny", "Créteil", "Épinay-sur-Seine",
    "Est Ensemble (EPT)", "Gentilly", "Issy-les-Moulineaux", "Le Kremlin-Bicêtre", "Les Lilas", "Montreuil",
    "Nogent-sur-Marne", "Suresnes", "Villeneuve-Saint-Georges",
]
WAITING_LIST = ["Clamart", "Ivry-sur-Seine", "Stains"]
assert len(BENEFICIARIES) == 15 and len(WAITING_LIST) == 3

# Interim report (situation au 30 juin 2026): Villeneuve-Saint-Georges withdrew and Clamart replaced it.
REPORT_ROWS = [
    ("Alfortville", "4", "Agent conversationnel du site internet (état civil, élections)", "mars 2026"),
    ("Boulogne-Billancourt", "6", "Prise de rendez-vous pour les titres d'identité", "mars 2026"),
    ("Bourg-la-Reine", "3", "Réponse assistée aux courriels des habitants", "avril 2026"),
    ("CCAS de Bobigny", "5", "Orientation vers les aides sociales facultatives", "avril 2026"),
    ("Clamart", "3", "Tri des signalements de voirie et de propreté", "mai 2026"),
    ("Créteil", "5", "Agent conversationnel du guichet unique", "mars 2026"),
    ("Épinay-sur-Seine", "4", "Traduction à l'accueil de la mairie", "mars 2026"),
    ("Est Ensemble (EPT)", "4", "Tri des demandes relatives à la collecte des déchets", "avril 2026"),
    ("Gentilly", "3", "Réponse assistée aux courriels des habitants", "en préparation"),
    ("Issy-les-Moulineaux", "6", "Agent conversationnel des inscriptions scolaires et périscolaires", "février 2026"),
    ("Le Kremlin-Bicêtre", "3", "Prise de rendez-vous pour les titres d'identité", "avril 2026"),
    ("Les Lilas", "3", "Traduction à l'accueil de la mairie", "en préparation"),
    ("Montreuil", "5", "Tri des signalements de voirie et de propreté", "mars 2026"),
    ("Nogent-sur-Marne", "3", "Agent conversationnel du service de l'urbanisme", "en préparation"),
    ("Suresnes", "4", "Réponse assistée aux courriels des habitants", "mars 2026"),
]
assert sum(int(r[1]) for r in REPORT_ROWS) == 61
assert sum(r[3] != "en préparation" for r in REPORT_ROWS) == 12


# ================================================================================ PDF helpers
def _pdf_styles():
    from reportlab.lib.enums import TA_JUSTIFY

    return pdf_styles(TA_JUSTIFY)


def _build_pdf(path: Path, make_story, *, title: str, footer: str) -> Path:
    """Two passes: the first counts the pages, the second writes « page n/N » in every footer."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1
    total = {"pages": 0}

    def doc_for(target) -> SimpleDocTemplate:
        return SimpleDocTemplate(
            target, pagesize=A4, leftMargin=2.3 * cm, rightMargin=2.3 * cm, topMargin=2 * cm,
            bottomMargin=2.2 * cm, title=title, subject=SYNTH_META, author=AUTHOR,
            creator="evals/corpora/programme/build.py", keywords="SYNTHÉTIQUE, fictif, test", invariant=1,
        )

    def count(canvas, doc) -> None:
        total["pages"] = canvas.getPageNumber()

    def draw_footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("VeraIt", 7.5)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"{footer} — page {canvas.getPageNumber()}/{total['pages']}")
        canvas.restoreState()

    doc_for(io.BytesIO()).build(make_story(), onFirstPage=count, onLaterPages=count)
    doc_for(str(path)).build(make_story(), onFirstPage=draw_footer, onLaterPages=draw_footer)
    return path


# ================================================================================ DOCX helpers
def _docx_save(document, path: Path, *, title: str, category: str) -> Path:
    props = document.core_properties
    props.title = title
    props.subject = SYNTH_META
    props.comments = SYNTH_META
    props.keywords = "SYNTHÉTIQUE; fictif; test"
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.category = category
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue()))
    return path


def _docx_warning(document) -> None:
    from docx.shared import Pt

    run = document.add_paragraph().add_run(SYNTH)
    run.italic = True
    run.font.size = Pt(9)


def _docx_table(document, rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            if r == 0:
                for p in cell.paragraphs:
                    for rn in p.runs:
                        rn.bold = True


# ======================================================== 1. FAQ web page (HTML, site boilerplate)
FAQ: list[tuple[str, list[tuple[str, str]]]] = [
    ("Le parcours en bref", [
        ("Qu'est-ce que le parcours « IA-Services aux habitants » ?",
         "C'est le deuxième parcours du programme « Appropriation Métropolitaine ». Il aide les collectivités à "
         "expérimenter des outils d'intelligence artificielle pour l'accueil et l'information des habitants : "
         "agent conversationnel sur le site internet, aide à la prise de rendez-vous, traduction à l'accueil, "
         "tri des signalements sur l'espace public."),
        ("Combien de collectivités seront retenues ?",
         "Quinze collectivités au plus seront retenues. Une liste complémentaire peut être établie pour "
         "remplacer un bénéficiaire qui se retirerait."),
        ("Combien de temps dure l'expérimentation ?",
         "L'expérimentation dure dix mois, du lundi 2 février 2026 au lundi 30 novembre 2026. Elle est précédée "
         "de deux journées de formation des agents d'accueil."),
    ]),
    ("Candidater", [
        ("Qui peut déposer une candidature ?",
         "Les communes membres de la Métropole et les établissements publics territoriaux (EPT). Depuis "
         "l'avenant n°1 au règlement, les centres communaux d'action sociale (CCAS) des communes membres "
         "peuvent aussi candidater pour leur propre service d'accueil. Les associations et les syndicats "
         "intercommunaux ne sont pas éligibles."),
        ("Notre commune participe déjà au parcours « IA-Administration Interne des Collectivités ». Pouvons-nous "
         "candidater ?",
         "Oui. Avoir suivi un autre parcours du programme n'empêche pas de candidater ; une collectivité ne peut "
         "toutefois déposer qu'une seule candidature pour ce parcours."),
        ("Jusqu'à quand peut-on déposer un dossier ?",
         "La date limite a été reportée par l'avenant n°1 : les dossiers doivent être déposés au plus tard le "
         "vendredi 21 novembre 2025 à 12 h sur la plateforme de candidature."),
        ("Faut-il une délibération du conseil municipal pour candidater ?",
         "Non. Depuis l'avenant n°1, aucune délibération du conseil municipal n'est demandée : la lettre "
         "d'intention signée par le maire (ou par le président de l'EPT ou du CCAS) suffit."),
        ("Notre accueil reçoit peu de demandes : sommes-nous éligibles ?",
         "Le service d'accueil concerné doit recevoir au moins 200 demandes par mois, tous canaux confondus "
         "(guichet, téléphone, courriel). Le relevé des six derniers mois est joint au dossier."),
        ("Le webinaire d'information sera-t-il rediffusé ?",
         "Oui. L'enregistrement du webinaire du 16 octobre 2025 et le support de présentation sont disponibles "
         "sur la page de l'appel à candidatures."),
    ]),
    ("Financement", [
        ("Combien coûte la participation à la commune ?",
         "La formation et la licence de l'outil pendant l'expérimentation sont prises en charge par la Métropole. "
         "Elle verse en plus une participation forfaitaire aux frais d'adaptation, jusqu'à 18 000 euros par "
         "bénéficiaire depuis l'avenant n°1."),
        ("Quelles dépenses la participation forfaitaire couvre-t-elle ?",
         "Le paramétrage de l'outil, son intégration au site internet et la traduction des contenus. L'achat de "
         "matériel informatique et les frais de personnel ne sont pas couverts."),
        ("Quand la participation est-elle versée ?",
         "En deux fois : un acompte de 50 % à la signature de la convention, puis le solde à la remise du bilan "
         "final."),
    ]),
    ("Pendant l'expérimentation", [
        ("Combien d'agents doivent suivre la formation ?",
         "Au moins trois agents d'accueil par bénéficiaire. Une demi-journée de sensibilisation est aussi "
         "proposée aux élus."),
        ("L'outil va-t-il remplacer nos agents d'accueil ?",
         "Non. Les habitants doivent toujours pouvoir joindre un agent, et être informés qu'ils échangent avec un "
         "outil d'intelligence artificielle."),
        ("Que deviennent les conversations des habitants ?",
         "Elles sont hébergées dans l'Union européenne et supprimées au bout de trois mois au plus. L'outil ne "
         "doit recueillir ni données de santé ni numéro de sécurité sociale."),
        ("Comment l'expérimentation est-elle évaluée ?",
         "Chaque bénéficiaire transmet chaque mois ses indicateurs de suivi. Un bilan intermédiaire est établi au "
         "terme du cinquième mois et un bilan final dans les deux mois suivant la fin de l'expérimentation."),
        ("Que se passe-t-il si nous abandonnons en cours de route ?",
         "Le retrait se fait par courrier adressé au Président de la Métropole. Un bénéficiaire qui se retire "
         "avant la fin du sixième mois reverse l'acompte perçu ; sa place peut être proposée à la liste "
         "complémentaire."),
    ]),
]


def build_faq_html() -> Path:
    from html import escape

    path = OUT / "faq_parcours_ia_services_habitants.html"
    sections = []
    for theme, pairs in FAQ:
        items = "\n".join(
            f'<div class="faq-item">\n<h3 class="faq-question">{escape(q, quote=False)}</h3>\n'
            f'<div class="faq-answer"><p>{escape(a, quote=False)}</p></div>\n</div>'
            for q, a in pairs
        )
        sections.append(f'<section class="faq-theme">\n<h2>{escape(theme, quote=False)}</h2>\n{items}\n</section>')
    body = "\n".join(sections)
    html = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{SYNTH_META}">
<meta name="robots" content="noindex">
<title>SYNTHÉTIQUE — FAQ du parcours « IA-Services aux habitants » | Métropole du Grand Paris</title>
<link rel="stylesheet" href="/assets/css/site.css">
<script src="/assets/js/tarteaucitron.js"></script>
</head>
<body>
<p class="synthetique"><em>{SYNTH}</em></p>
<div id="cookie-banner" role="dialog" aria-label="Gestion des cookies">
<p>Ce site utilise des cookies pour mesurer l'audience et améliorer votre navigation. Vous pouvez accepter, refuser ou personnaliser vos choix.</p>
<button type="button">Tout accepter</button> <button type="button">Tout refuser</button> <button type="button">Personnaliser</button>
</div>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
<a class="logo" href="/">Métropole du Grand Paris — accueil</a>
<nav class="main-menu" aria-label="Menu principal">
<ul>
<li><a href="/la-metropole">La Métropole</a></li>
<li><a href="/nos-actions">Nos actions</a></li>
<li><a href="/innovation">Innovation et numérique</a></li>
<li><a href="/appels-a-projets">Appels à projets</a></li>
<li><a href="/publications">Publications</a></li>
<li><a href="/presse">Espace presse</a></li>
<li><a href="/contact">Contact</a></li>
</ul>
</nav>
<form class="search" role="search"><label for="q">Rechercher sur le site</label> <input id="q" type="search"> <button type="submit">OK</button></form>
</header>
<nav class="breadcrumb" aria-label="Fil d'Ariane">
<ol>
<li><a href="/">Accueil</a></li>
<li><a href="/innovation">Innovation et numérique</a></li>
<li><a href="/innovation/appropriation-metropolitaine">Appropriation Métropolitaine</a></li>
<li aria-current="page">FAQ IA-Services aux habitants</li>
</ol>
</nav>
<main id="contenu">
<h1>Parcours « IA-Services aux habitants » : questions fréquentes</h1>
<p class="chapo">Vous envisagez de candidater au deuxième parcours du programme « Appropriation Métropolitaine » ? Retrouvez ici les réponses aux questions les plus posées par les communes lors du webinaire d'information.</p>
<p class="maj">Page mise à jour le 24 octobre 2025, après la publication de l'avenant n°1 au règlement du parcours.</p>
{body}
<aside class="encart">
<h2>Une autre question ?</h2>
<p>Écrivez à l'équipe du programme : parcours-ia@exemple.fr (adresse fictive). Le règlement du parcours, son avenant n°1 et le guide de candidature sont téléchargeables sur la page de l'appel à candidatures.</p>
</aside>
<div class="page-tools">
<p>Partager : <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Courriel</a> — <a href="#">Imprimer la page</a></p>
<p>Cette page vous a-t-elle été utile ? <button type="button">Oui</button> <button type="button">Non</button></p>
</div>
</main>
<footer class="site-footer">
<nav aria-label="Liens de pied de page">
<ul>
<li><a href="/mentions-legales">Mentions légales</a></li>
<li><a href="/accessibilite">Accessibilité : partiellement conforme</a></li>
<li><a href="/plan-du-site">Plan du site</a></li>
<li><a href="/donnees-personnelles">Données personnelles</a></li>
<li><a href="/cookies">Gestion des cookies</a></li>
<li><a href="/marches-publics">Marchés publics</a></li>
<li><a href="/recrutement">Recrutement</a></li>
</ul>
</nav>
<p>Suivez-nous : <a href="#">Facebook</a> · <a href="#">X</a> · <a href="#">LinkedIn</a> · <a href="#">Instagram</a> · <a href="#">YouTube</a></p>
<p>© Métropole du Grand Paris (site fictif de test)</p>
</footer>
</body>
</html>
"""
    path.write_text(html, encoding="utf-8")
    return path


# ============================================================ 2. Règlement of the track (DOCX)
REGLEMENT_ARTICLES: list[tuple[str, list]] = [
    ("Article 1 – Objet du parcours", [
        "Le présent règlement fixe les conditions de participation au parcours « IA-Services aux habitants », "
        "deuxième parcours du programme « Appropriation Métropolitaine » de la Métropole du Grand Paris.",
        "Le parcours accompagne les collectivités qui souhaitent expérimenter des outils d'intelligence "
        "artificielle pour l'accueil, l'information et l'orientation des habitants : agent conversationnel "
        "répondant aux questions courantes, aide à la prise de rendez-vous, traduction à l'accueil, tri des "
        "signalements relatifs à l'espace public, réponse assistée aux courriels.",
    ]),
    ("Article 2 – Bénéficiaires éligibles", [
        "Peuvent présenter leur candidature :",
        ["les communes membres de la Métropole du Grand Paris ;",
         "les établissements publics territoriaux (EPT), pour les services d'accueil qu'ils gèrent directement."],
        "Ne sont pas éligibles les centres communaux d'action sociale (CCAS), les caisses des écoles, les "
        "syndicats intercommunaux, les associations et les entreprises.",
        "Le service d'accueil sur lequel porte le projet doit recevoir au moins 200 demandes par mois, tous "
        "canaux confondus.",
    ]),
    ("Article 3 – Nombre de places", [
        "Le parcours accueille quinze bénéficiaires au plus. Chaque collectivité ne peut déposer qu'une seule "
        "candidature au titre du parcours.",
        "Une liste complémentaire, classée par ordre de mérite, peut être arrêtée en même temps que la liste "
        "des bénéficiaires.",
    ]),
    ("Article 4 – Dossier de candidature", [
        "Le dossier de candidature comprend :",
        ["une lettre d'intention signée par le maire ou par le président de l'EPT ;",
         "une fiche projet de quatre pages au plus, décrivant le besoin, les publics concernés et l'équipe ;",
         "les nom, fonction et adresse électronique professionnelle du référent du projet ;",
         "le relevé des demandes reçues par le service d'accueil au cours des six derniers mois."],
        "Le dossier est déposé par voie électronique sur la plateforme de candidature de la Métropole. Un dossier "
        "incomplet à la date limite n'est pas examiné.",
    ]),
    ("Article 5 – Calendrier", [
        "L'appel à candidatures est publié le lundi 29 septembre 2025 sur le site internet de la Métropole.",
        "Les dossiers doivent être déposés au plus tard le vendredi 7 novembre 2025 à 12 h. Le comité de "
        "sélection se réunit au plus tard le 28 novembre 2025 ; les bénéficiaires sont ensuite désignés par le "
        "Bureau de la Métropole.",
        "Les journées de formation ont lieu en janvier 2026. L'expérimentation dure dix mois, du 2 février 2026 "
        "au 30 novembre 2026.",
    ]),
    ("Article 6 – Prise en charge financière", [
        "La Métropole prend en charge la formation des agents et la licence de l'outil expérimenté pendant toute "
        "la durée de l'expérimentation.",
        "Elle verse en outre à chaque bénéficiaire une participation forfaitaire aux frais d'adaptation "
        "(paramétrage, intégration au site internet, traduction des contenus), d'un montant maximal de "
        "12 000 euros par bénéficiaire. L'enveloppe totale du parcours est fixée à 180 000 euros.",
        "La participation est versée en deux fois : un acompte de 50 % à la signature de la convention, le solde "
        "à la remise du bilan final. L'achat de matériel informatique et les frais de personnel ne sont pas "
        "pris en charge.",
    ]),
    ("Article 7 – Obligations des bénéficiaires", [
        "Chaque bénéficiaire s'engage à :",
        ["désigner un référent, interlocuteur unique de la Métropole ;",
         "inscrire au moins trois agents d'accueil aux journées de formation ;",
         "informer clairement les habitants qu'ils échangent avec un outil d'intelligence artificielle ;",
         "garantir aux habitants, à tout moment, la possibilité de joindre un agent ;",
         "transmettre chaque mois à la Métropole les indicateurs de suivi prévus à l'article 9 ;",
         "produire, avant la signature de la convention, une délibération du conseil municipal ou du conseil de "
         "territoire approuvant sa participation au parcours ;",
         "présenter ses résultats lors de la journée de restitution métropolitaine."],
    ]),
    ("Article 8 – Formation", [
        "La Métropole organise deux journées de formation destinées aux agents d'accueil des bénéficiaires, et "
        "une demi-journée de sensibilisation destinée aux élus.",
    ]),
    ("Article 9 – Sélection et évaluation", [
        "Le comité de sélection note chaque dossier recevable selon la grille suivante :",
        ("table", [
            ("Critère", "Points"),
            ("Intérêt du projet pour les habitants", "35"),
            ("Volume et nature des demandes reçues", "20"),
            ("Capacité de l'équipe à conduire le projet", "20"),
            ("Attention portée aux publics éloignés du numérique", "15"),
            ("Sobriété et réutilisation de la solution", "10"),
            ("Total", "100"),
        ]),
        "Seuls les dossiers ayant obtenu au moins 55 points peuvent être retenus.",
        "Pendant l'expérimentation, chaque bénéficiaire transmet chaque mois trois indicateurs : le nombre de "
        "demandes traitées par l'outil, le délai moyen de réponse et la part des demandes réorientées vers un "
        "agent. Un bilan intermédiaire est établi au terme du cinquième mois. Un questionnaire de satisfaction "
        "est proposé aux habitants. Le bilan final est remis dans les deux mois suivant la fin de "
        "l'expérimentation ; la Métropole peut confier l'évaluation à un évaluateur externe.",
    ]),
    ("Article 10 – Données personnelles", [
        "L'outil expérimenté ne recueille ni données de santé ni numéro de sécurité sociale. Les conversations "
        "sont hébergées dans l'Union européenne et supprimées au bout de trois mois au plus. Elles ne sont pas "
        "réutilisées pour entraîner un modèle.",
    ]),
    ("Article 11 – Retrait", [
        "Un bénéficiaire peut se retirer du parcours par courrier adressé au Président de la Métropole. S'il se "
        "retire avant la fin du sixième mois de l'expérimentation, il reverse l'acompte perçu. La place libérée "
        "peut être proposée au premier candidat de la liste complémentaire.",
    ]),
    ("Article 12 – Modification du règlement", [
        "Le présent règlement peut être modifié par avenant signé par le Président de la Métropole ou son "
        "représentant. Un avenant s'applique aux candidatures en cours d'instruction à la date de sa publication.",
    ]),
    ("Article 13 – Communication et publication des résultats", [
        "Toute communication d'un bénéficiaire sur son projet porte la mention « Programme Appropriation "
        "Métropolitaine — parcours IA-Services aux habitants ». La Métropole peut publier les bilans et les "
        "indicateurs agrégés du parcours sous Licence Ouverte, sans donnée permettant d'identifier un habitant.",
    ]),
    ("Article 14 – Entrée en vigueur", [
        "Le présent règlement entre en vigueur le jour de sa publication sur le site internet de la Métropole, "
        "en même temps que l'appel à candidatures.",
    ]),
]


def build_reglement_docx() -> Path:
    import docx

    path = OUT / "reglement_parcours_ia_services_habitants.docx"
    document = docx.Document()
    _docx_warning(document)
    document.add_paragraph("Métropole du Grand Paris — programme « Appropriation Métropolitaine »", style="Subtitle")
    document.add_paragraph("Règlement du parcours « IA-Services aux habitants »", style="Title")
    document.add_paragraph(
        "Version du 22 septembre 2025, publiée avec l'appel à candidatures. Les modifications apportées par "
        "avenant font l'objet de documents distincts."
    )
    for heading, blocks in REGLEMENT_ARTICLES:
        document.add_heading(heading, level=1)
        for block in blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
            elif isinstance(block, list):
                for item in block:
                    document.add_paragraph(item, style="List Bullet")
            else:
                _docx_table(document, block[1])
    document.add_paragraph("Fait à Paris, le 22 septembre 2025.")
    return _docx_save(document, path, title="SYNTHÉTIQUE — Règlement du parcours « IA-Services aux habitants » (fictif)",
                      category="règlement")


# ============================================================ 3. Amendment n°1 (PDF)
def build_avenant_pdf() -> Path:
    from reportlab.platypus import Paragraph

    return _build_pdf(
        OUT / "avenant_1_reglement_ia_services_habitants.pdf", lambda: _avenant_story(_pdf_styles(), Paragraph),
        title="SYNTHÉTIQUE — Avenant n°1 au règlement du parcours « IA-Services aux habitants » (fictif)",
        footer="Avenant n°1 au règlement du parcours « IA-Services aux habitants »",
    )


def _avenant_story(s, P) -> list:
    from reportlab.platypus import Spacer

    return [
        P(SYNTH, s["warn"]),
        P("MÉTROPOLE DU GRAND PARIS", s["center"]),
        P("Programme « Appropriation Métropolitaine »", s["center"]),
        Spacer(1, 6),
        P("AVENANT N°1 AU RÈGLEMENT DU PARCOURS « IA-SERVICES AUX HABITANTS »", s["center_bold"]),
        P("du 20 octobre 2025", s["center"]),
        Spacer(1, 8),
        P("Vu le règlement du parcours « IA-Services aux habitants » du 22 septembre 2025, et notamment son "
          "article 12 ;", s["base"]),
        P("Considérant que douze dossiers seulement avaient été déposés au 15 octobre 2025, et que plusieurs "
          "communes ont fait savoir lors du webinaire d'information qu'elles ne pourraient pas réunir leur conseil "
          "municipal avant la date limite ;", s["base"]),
        P("Considérant que plusieurs centres communaux d'action sociale ont demandé à pouvoir candidater pour leur "
          "propre service d'accueil, qui reçoit une part importante des demandes des habitants ;", s["base"]),
        P("Considérant que le coût de l'intégration des outils aux sites internet communaux a été sous-estimé ;",
          s["base"]),
        P("Le règlement du parcours est modifié comme suit.", s["bold"]),
        P("Article 1 – Bénéficiaires éligibles", s["heading"]),
        P("L'article 2 du règlement est complété par l'alinéa suivant : « Les centres communaux d'action sociale "
          "(CCAS) des communes membres peuvent également présenter leur candidature, pour leur propre service "
          "d'accueil ; la lettre d'intention est alors signée par le président du CCAS. »", s["base"]),
        P("En conséquence, au deuxième alinéa de l'article 2, les mots « les centres communaux d'action sociale "
          "(CCAS), » sont supprimés.", s["base"]),
        P("Article 2 – Date limite de dépôt", s["heading"]),
        P("Au deuxième alinéa de l'article 5, les mots « vendredi 7 novembre 2025 à 12 h » sont remplacés par les "
          "mots « vendredi 21 novembre 2025 à 12 h », et les mots « au plus tard le 28 novembre 2025 » sont "
          "remplacés par les mots « au plus tard le 5 décembre 2025 ».", s["base"]),
        P("Article 3 – Participation forfaitaire", s["heading"]),
        P("Au deuxième alinéa de l'article 6, le montant « 12 000 euros » est remplacé par le montant « 18 000 "
          "euros », et le montant de l'enveloppe totale « 180 000 euros » est remplacé par le montant « 270 000 "
          "euros ».", s["base"]),
        P("Article 4 – Délibération de la collectivité", s["heading"]),
        P("À l'article 7, l'obligation de produire une délibération du conseil municipal ou du conseil de "
          "territoire avant la signature de la convention est supprimée. La lettre d'intention signée prévue à "
          "l'article 4 suffit à engager la collectivité.", s["base"]),
        P("Article 5 – Autres dispositions", s["heading"]),
        P("Les autres dispositions du règlement demeurent inchangées.", s["base"]),
        P("Article 6 – Entrée en vigueur", s["heading"]),
        P("Le présent avenant entre en vigueur le jour de sa publication sur le site internet de la Métropole. "
          "Conformément à l'article 12 du règlement, il s'applique aux candidatures déjà déposées, qui peuvent "
          "être complétées jusqu'à la nouvelle date limite.", s["base"]),
        Spacer(1, 12),
        P("Fait à Paris, le 20 octobre 2025.", s["base"]),
        P("Pour le Président de la Métropole du Grand Paris, et par délégation,", s["right"]),
        P("le Vice-président délégué aux services numériques aux habitants", s["right"]),
        P("Étienne VAUQUELIN", s["right"]),
    ]


# ============================================================ 4. Bureau deliberation (PDF)
def build_deliberation_pdf() -> Path:
    from reportlab.platypus import Paragraph

    return _build_pdf(
        OUT / "BM2025-12-17-09_deliberation_bureau.pdf", lambda: _deliberation_story(_pdf_styles(), Paragraph),
        title="SYNTHÉTIQUE — Délibération BM2025/12/17/09 du Bureau (fictive)",
        footer="Bureau métropolitain — délibération BM2025/12/17/09",
    )


def _deliberation_story(s, P) -> list:
    from reportlab.platypus import Spacer

    story = [
        P(SYNTH, s["warn"]),
        P("RÉPUBLIQUE FRANÇAISE", s["center"]),
        P("MÉTROPOLE DU GRAND PARIS", s["center"]),
        Spacer(1, 6),
        P("SÉANCE DU BUREAU DE LA MÉTROPOLE DU GRAND PARIS<br/>DU MERCREDI 17 DÉCEMBRE 2025", s["center_bold"]),
        Spacer(1, 6),
        P("BM2025/12/17/09 : PROGRAMME « APPROPRIATION MÉTROPOLITAINE » — OUVERTURE DU PARCOURS « IA-SERVICES AUX "
          "HABITANTS », DÉSIGNATION DES BÉNÉFICIAIRES ET DE LA LISTE COMPLÉMENTAIRE", s["title"]),
        P("DATE DE LA CONVOCATION : 10 décembre 2025", s["base"]),
        P("NOMBRE DE CONSEILLERS EN EXERCICE : 44", s["base"]),
        P("NOMBRE DE MEMBRES PRÉSENTS OU REPRÉSENTÉS : 38", s["base"]),
        P("PRÉSIDENTE DE SÉANCE : Martine ROUSSEL-AUBRY, Vice-présidente", s["base"]),
        P("SECRÉTAIRE DE SÉANCE : Lucie TESSERAUD", s["base"]),
        Spacer(1, 6),
        P("LE BUREAU DE LA MÉTROPOLE DU GRAND PARIS,", s["bold"]),
    ]
    visas = [
        "Vu le code général des collectivités territoriales, et notamment ses articles L.5211-10 et L.5219-1,",
        "Vu la loi n°2014-58 du 27 janvier 2014 de modernisation de l'action publique territoriale et "
        "d'affirmation des métropoles,",
        "Vu la délibération CM2025/04/07/19-2 portant lancement du programme « Appropriation Métropolitaine » et "
        "déléguant au Bureau la sélection des candidats,",
        "Vu la délibération BM2025/06/24/12 ouvrant le parcours « IA-Administration Interne des Collectivités »,",
        "Vu le règlement du parcours « IA-Services aux habitants » du 22 septembre 2025,",
        "Vu l'avenant n°1 à ce règlement, du 20 octobre 2025,",
        "Vu l'avis du comité de sélection réuni le 3 décembre 2025,",
    ]
    story += [P(v, s["base"]) for v in visas]
    considerants = [
        "Considérant que l'accueil et l'information des habitants mobilisent une part importante des agents "
        "des communes, et que des outils d'intelligence artificielle peuvent réduire les délais de réponse sans "
        "priver les habitants d'un contact humain,",
        "Considérant que l'appel à candidatures du parcours, publié le 29 septembre 2025, a été clos le "
        "21 novembre 2025 après le report de sa date limite par l'avenant n°1,",
        "Considérant que trente-quatre dossiers ont été déposés, dont trois ont été déclarés irrecevables faute "
        "de pièces, et que dix-huit des trente et un dossiers examinés ont obtenu au moins 55 points,",
        "Considérant que le règlement limite le parcours à quinze bénéficiaires et permet d'arrêter une liste "
        "complémentaire,",
    ]
    story += [P(c, s["base"]) for c in considerants]
    story += [
        Spacer(1, 4),
        P("APRÈS EN AVOIR DÉLIBÉRÉ, DÉCIDE :", s["bold"]),
        P("<b>Article 1</b> : Est ouvert, au titre du programme « Appropriation Métropolitaine », le parcours "
          "« IA-Services aux habitants », deuxième parcours du programme.", s["base"]),
        P("<b>Article 2</b> : Sont désignés bénéficiaires du parcours « IA-Services aux habitants », au nombre de "
          "quinze : " + ", ".join(BENEFICIARIES) + ".", s["base"]),
        P("<b>Article 3</b> : La liste complémentaire est arrêtée dans l'ordre suivant : 1. " + WAITING_LIST[0]
          + " ; 2. " + WAITING_LIST[1] + " ; 3. " + WAITING_LIST[2] + ". En cas de désistement d'un bénéficiaire "
          "avant le 31 mars 2026, la place est proposée au premier candidat de la liste complémentaire qui ne l'a "
          "pas encore refusée.", s["base"]),
        P("<b>Article 4</b> : Le Vice-président délégué aux services numériques aux habitants, Étienne VAUQUELIN, "
          "est autorisé à signer les conventions avec chacun des bénéficiaires. Les conventions sont signées au "
          "plus tard le 13 février 2026.", s["base"]),
        P("<b>Article 5</b> : La participation forfaitaire aux frais d'adaptation est versée dans la limite de "
          "18 000 euros par bénéficiaire, conformément au règlement modifié par l'avenant n°1. La dépense, d'un "
          "montant maximal de 270 000 euros, est inscrite au budget 2026 de la Métropole.", s["base"]),
        Spacer(1, 6),
        P("RÉSULTAT DU VOTE : Pour : 33 ; Contre : 2 ; Abstentions : 3", s["bold"]),
        P("DÉLIBÉRATION ADOPTÉE À LA MAJORITÉ DES SUFFRAGES EXPRIMÉS", s["bold"]),
        Spacer(1, 10),
        P("Pour le Président de la Métropole du Grand Paris, et par délégation,", s["right"]),
        P("la Vice-présidente", s["right"]),
        P("Martine ROUSSEL-AUBRY", s["right"]),
        Spacer(1, 10),
        P("Acte certifié exécutoire, transmis au représentant de l'État et publié le 19 décembre 2025. La présente "
          "délibération peut faire l'objet d'un recours pour excès de pouvoir devant le tribunal administratif de "
          "Paris dans un délai de deux mois à compter de sa publication.", s["warn"]),
    ]
    return story


# ============================================================ 5. Application guide (plain text)
def build_guide_txt() -> Path:
    path = OUT / "guide_candidature_ia_services_habitants.txt"
    rows = [
        ("Étape", "Date"),
        ("Publication de l'appel à candidatures", "lundi 29 septembre 2025"),
        ("Webinaire d'information (en ligne)", "jeudi 16 octobre 2025, de 10 h à 11 h 30"),
        ("Date limite de dépôt des dossiers", "vendredi 21 novembre 2025 à 12 h"),
        ("Réunion du comité de sélection", "au plus tard le 5 décembre 2025"),
        ("Désignation des bénéficiaires par le Bureau", "décembre 2025"),
        ("Journées de formation des agents d'accueil", "20 et 21 janvier 2026"),
        ("Démarrage de l'expérimentation", "lundi 2 février 2026"),
        ("Bilan intermédiaire", "juillet 2026"),
        ("Fin de l'expérimentation", "lundi 30 novembre 2026"),
        ("Journée de restitution métropolitaine", "janvier 2027"),
    ]
    width = max(len(r[0]) for r in rows)
    rule = "-" * (width + 45)
    table = "\n".join([rule, *(f"{a.ljust(width)} | {b}" for a, b in rows[:1]), rule,
                       *(f"{a.ljust(width)} | {b}" for a, b in rows[1:]), rule])
    text = f"""{SYNTH}
Statut : {SYNTH_META}

MÉTROPOLE DU GRAND PARIS — PROGRAMME « APPROPRIATION MÉTROPOLITAINE »
GUIDE DE CANDIDATURE AU PARCOURS « IA-SERVICES AUX HABITANTS »

Version 2 du 27 octobre 2025 : cette version intègre l'avenant n°1 au règlement du parcours (report de la
date limite, éligibilité des CCAS, participation forfaitaire relevée, délibération municipale plus exigée).
Le règlement et son avenant font foi ; ce guide n'en est qu'une présentation pratique.


1. À QUI S'ADRESSE CE GUIDE

Ce guide s'adresse aux agents des communes, des établissements publics territoriaux et des centres
communaux d'action sociale qui préparent une candidature. Il présente les étapes, le calendrier, les pièces
à réunir et les contacts utiles. Comptez une demi-journée de travail pour un dossier complet.


2. CALENDRIER DU PARCOURS

{table}

Les dates postérieures à la désignation des bénéficiaires sont indicatives et seront confirmées dans la
convention.


3. LES ÉTAPES DE LA CANDIDATURE

Étape 1 — Vérifier l'éligibilité. Votre collectivité doit être une commune membre de la Métropole, un EPT
ou le CCAS d'une commune membre, et le service d'accueil concerné doit recevoir au moins 200 demandes par
mois (guichet, téléphone et courriel additionnés).

Étape 2 — Créer un compte sur la plateforme de candidature (rubrique « Appels à projets » du site de la
Métropole). La validation du compte peut prendre deux jours ouvrés : ne l'attendez pas la dernière semaine.

Étape 3 — Rédiger la fiche projet, quatre pages au plus, à partir du modèle téléchargeable : le besoin, les
publics concernés, les volumes de demandes, l'équipe mobilisée et le calendrier envisagé.

Étape 4 — Réunir les pièces : lettre d'intention signée, fiche projet, coordonnées du référent, relevé des
demandes reçues au cours des six derniers mois.

Étape 5 — Déposer le dossier complet avant la date limite. Un accusé de réception est envoyé
automatiquement par courriel ; conservez-le.

Étape 6 — Répondre aux éventuelles demandes de précision du comité de sélection dans un délai de cinq jours
ouvrés.


4. CONSEILS POUR UN BON DOSSIER

- Partez d'un besoin précis et mesuré : par exemple, le nombre d'appels restés sans réponse au standard.
- Décrivez comment les habitants éloignés du numérique continueront d'être servis : ce critère compte pour
  15 points sur 100.
- Ne joignez aucune donnée personnelle d'habitant : des volumes et des catégories de demandes suffisent.
- Un projet déjà testé ailleurs et réutilisable par d'autres communes est apprécié.


5. CONTACTS (adresses fictives)

- Questions sur le parcours et la candidature : parcours-ia@exemple.fr
- Difficultés techniques sur la plateforme : support-candidatures@exemple.fr
- Questions sur les données personnelles : dpo-parcours@exemple.fr

L'équipe du programme répond sous trois jours ouvrés. Elle ne donne pas d'avis sur un dossier avant son
dépôt, mais peut vérifier qu'une collectivité est éligible.
"""
    path.write_text(text, encoding="utf-8")
    return path


# ============================================================ 6. Interim activity report (DOCX)
def build_rapport_docx() -> Path:
    import docx

    path = OUT / "rapport_activite_ia_services_habitants_2026.docx"
    document = docx.Document()
    _docx_warning(document)
    document.add_paragraph("Métropole du Grand Paris — programme « Appropriation Métropolitaine »", style="Subtitle")
    document.add_paragraph("Rapport d'activité intermédiaire du parcours « IA-Services aux habitants »",
                           style="Title")
    document.add_paragraph("Situation au 30 juin 2026. Rapport présenté au comité de pilotage du 7 juillet 2026.")
    document.add_heading("1. Synthèse", level=1)
    document.add_paragraph(
        "Cinq mois après le démarrage de l'expérimentation, les quinze bénéficiaires sont engagés dans le "
        "parcours et douze outils sont en service auprès des habitants. Les journées de formation des 20 et "
        "21 janvier 2026 ont réuni 61 agents d'accueil et 9 élus."
    )
    document.add_paragraph(
        "Entre février et juin 2026, les outils en service ont traité 48 200 demandes. 18 % des demandes ont été "
        "réorientées vers un agent. Pour les courriels, le délai moyen de réponse est passé de six jours à deux "
        "jours dans les quatre collectivités concernées."
    )
    document.add_heading("2. Faits marquants", level=1)
    document.add_paragraph(
        "La commune de Villeneuve-Saint-Georges s'est retirée du parcours par courrier du 9 mars 2026, avant le "
        "démarrage de son projet. Conformément à la liste complémentaire, la place a été proposée à Clamart, qui "
        "l'a acceptée ; sa convention a été signée le 3 avril 2026."
    )
    document.add_paragraph(
        "Le CCAS de Bobigny est le premier centre communal d'action sociale accompagné par le programme. Son "
        "outil oriente les habitants vers les aides sociales facultatives de la commune."
    )
    document.add_heading("3. Tableau de suivi par bénéficiaire", level=1)
    document.add_paragraph("Agents formés lors des journées de janvier 2026, projet expérimenté et date de mise en "
                           "service :")
    _docx_table(document, [("Bénéficiaire", "Agents formés", "Projet expérimenté", "Mise en service"),
                           *REPORT_ROWS, ("Total", "61", "15 projets", "12 en service")])
    document.add_heading("4. Premiers enseignements", level=1)
    document.add_paragraph(
        "Prise de rendez-vous : à Boulogne-Billancourt, la part des rendez-vous non honorés pour les titres "
        "d'identité est passée de 14 % à 9 % depuis l'envoi de rappels automatiques."
    )
    document.add_paragraph(
        "Traduction à l'accueil : à Épinay-sur-Seine, l'outil a servi dans onze langues ; les plus demandées ont "
        "été l'arabe, le tamoul et le roumain. Les agents soulignent qu'il ne remplace pas un interprète pour "
        "les démarches complexes."
    )
    document.add_paragraph(
        "Tri des signalements : à Montreuil, 72 % des signalements de voirie et de propreté sont désormais "
        "transmis directement au bon service, sans ressaisie."
    )
    document.add_heading("5. Difficultés rencontrées", level=1)
    for item in [
        "L'intégration des outils aux sites internet communaux a pris plus de temps que prévu : les trois projets "
        "encore en préparation (Gentilly, Les Lilas, Nogent-sur-Marne) attendent une mise à jour de leur site.",
        "Deux bénéficiaires ont signalé des réponses erronées de l'agent conversationnel sur les horaires "
        "d'ouverture ; les contenus de référence ont été corrigés.",
        "Les indicateurs mensuels ont été transmis en retard par quatre bénéficiaires au mois d'avril.",
    ]:
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("6. Prochaines étapes", level=1)
    for item in [
        "Questionnaire de satisfaction auprès des habitants : du 1er au 30 septembre 2026.",
        "Fin de l'expérimentation : 30 novembre 2026.",
        "Remise du bilan final : au plus tard le 29 janvier 2027.",
        "Journée de restitution métropolitaine : janvier 2027.",
    ]:
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph("Rapport établi par l'équipe du programme (contact fictif : parcours-ia@exemple.fr).")
    return _docx_save(
        document, path,
        title="SYNTHÉTIQUE — Rapport d'activité intermédiaire du parcours « IA-Services aux habitants » (fictif)",
        category="rapport d'activité",
    )


# ============================================================ 7. Press release (HTML)
def build_communique_html() -> Path:
    path = OUT / "communique_presse_ia_services_habitants.html"
    liste = ", ".join(BENEFICIARIES[:-1]) + " et " + BENEFICIARIES[-1]
    html = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="description" content="{SYNTH_META}">
<meta name="robots" content="noindex">
<title>SYNTHÉTIQUE — Communiqué : quinze collectivités retenues pour le parcours « IA-Services aux habitants »</title>
</head>
<body>
<p><em>{SYNTH}</em></p>
<nav class="breadcrumb" aria-label="Fil d'Ariane"><a href="/">Accueil</a> › <a href="/presse">Espace presse</a> › Communiqués</nav>
<article>
<p class="type">COMMUNIQUÉ DE PRESSE — Paris, le 18 décembre 2025</p>
<h1>Intelligence artificielle : quinze collectivités retenues pour améliorer l'accueil des habitants</h1>
<p class="chapo">Le Bureau de la Métropole du Grand Paris a désigné le 17 décembre 2025 les bénéficiaires du parcours « IA-Services aux habitants », deuxième parcours du programme « Appropriation Métropolitaine ».</p>
<p>Trente-quatre collectivités avaient répondu à l'appel à candidatures. Les quinze bénéficiaires retenus sont : {liste}. Pour la première fois, un centre communal d'action sociale, celui de Bobigny, rejoint le programme.</p>
<p>Dès février 2026, les bénéficiaires testeront pendant dix mois des agents conversationnels, des outils de prise de rendez-vous ou de traduction à l'accueil. La Métropole consacre 270 000 euros au parcours, en plus de la formation et des licences.</p>
<blockquote><p>« L'intelligence artificielle ne remplacera pas les agents d'accueil : elle doit leur laisser plus de temps pour les demandes qui en ont vraiment besoin », a déclaré Étienne VAUQUELIN, vice-président délégué aux services numériques aux habitants.</p></blockquote>
<p>Les résultats de l'expérimentation seront présentés lors d'une journée de restitution ouverte à toutes les communes de la Métropole, en janvier 2027.</p>
<p class="contact">Contact presse : presse-parcours@exemple.fr (adresse fictive)</p>
</article>
<p><a href="/presse">← Retour aux communiqués</a> · <a href="#">Télécharger le communiqué (PDF)</a></p>
<footer><a href="/mentions-legales">Mentions légales</a> · <a href="/accessibilite">Accessibilité</a> · <a href="/plan-du-site">Plan du site</a></footer>
</body>
</html>
"""
    path.write_text(html, encoding="utf-8")
    return path


BUILDERS = (build_faq_html, build_reglement_docx, build_avenant_pdf, build_deliberation_pdf, build_guide_txt,
            build_rapport_docx, build_communique_html)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        path = build()
        print(f"{path} ({path.stat().st_size} octets)")


if __name__ == "__main__":
    main()
