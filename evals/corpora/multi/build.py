"""Build the SYNTHETIC multi-document development corpus (invented facts: test fixtures only).

Every document written here is fictitious: it imitates the genre of the Métropole du Grand Paris'
acts (deliberations of the Bureau and of the Conseil, a programme rulebook, a convention model, a
meeting report) so that the assistant can be tested on a corpus with several acts, but none of its
facts is a rule of the programme « Appropriation Métropolitaine ». Each file says so in its first
line of text and in its metadata.

The output is deterministic (fixed dates in the metadata, fixed ZIP timestamps for the DOCX,
``invariant=1`` for the PDFs), so running the script twice gives the same bytes.

Usage: .venv/bin/python evals/corpora/multi/build.py
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

# ------------------------------------------------------------------------------------------------
# Invented beneficiaries of the three acts (the first list is the real one, not written here)
ENERGIE_TRACK = "IA-Énergie des bâtiments publics"
ENERGIE_LIST = [
    "Antony", "Bagneux", "Bondy", "Cachan", "Champigny-sur-Marne", "Colombes", "Fontenay-sous-Bois",
    "Gennevilliers", "Grand Paris Sud Est Avenir (EPT)", "Montreuil", "Nanterre", "Pantin",
    "Saint-Maur-des-Fossés", "Sceaux", "Sevran", "Villejuif", "Vincennes", "Vitry-sur-Seine",
]
MOBILITES_TRACK = "IA-Mobilités et logistique urbaine"
MOBILITES_LIST = [
    "Aubervilliers", "Bagnolet", "Drancy", "Gennevilliers", "Le Blanc-Mesnil", "Montreuil", "Pantin",
    "Plaine Commune (EPT)", "Romainville", "Saint-Denis", "Saint-Ouen-sur-Seine", "Tremblay-en-France",
]
assert len(ENERGIE_LIST) == 18 and len(MOBILITES_LIST) == 12


# ================================================================================ PDF helpers
def _pdf_styles():
    return pdf_styles()


def _build_pdf(path: Path, make_story, *, title: str, subject: str, footer: str) -> None:
    """Two passes: the first counts the pages, the second writes « page n/N » in every footer.

    The footer is drawn when the page starts (before its text), as many producers do.
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1
    total = {"pages": 0}

    def doc_for(target) -> SimpleDocTemplate:
        return SimpleDocTemplate(
            target, pagesize=A4, leftMargin=2.3 * cm, rightMargin=2.3 * cm, topMargin=2 * cm,
            bottomMargin=2.2 * cm, title=title, subject=subject,
            author="Équipe de test de l'assistant (document synthétique)",
            creator="evals/corpora/multi/build.py", keywords="SYNTHÉTIQUE, fictif, test", invariant=1,
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


def _write_pdf_story(path: Path, make_story, *, title: str, footer: str) -> Path:
    _build_pdf(path, make_story, title=title, subject=SYNTH_META, footer=footer)
    return path


# ============================================================ 1. Bureau deliberation (PDF)
def build_bureau_pdf() -> Path:
    from reportlab.platypus import Paragraph

    return _write_pdf_story(
        OUT / "BM2025-10-15-07_deliberation_bureau.pdf", lambda: _bureau_story(_pdf_styles(), Paragraph),
        title="SYNTHÉTIQUE — Délibération BM2025/10/15/07 du Bureau (fictive)",
        footer="Bureau métropolitain — délibération BM2025/10/15/07",
    )


def _bureau_story(s, P) -> list:
    from reportlab.platypus import Spacer

    story = [
        P(SYNTH, s["warn"]),
        P("RÉPUBLIQUE FRANÇAISE", s["center"]),
        P("MÉTROPOLE DU GRAND PARIS", s["center"]),
        Spacer(1, 6),
        P("SÉANCE DU BUREAU DE LA MÉTROPOLE DU GRAND PARIS<br/>DU MERCREDI 15 OCTOBRE 2025", s["center_bold"]),
        Spacer(1, 6),
        P(
            "BM2025/10/15/07 : PROGRAMME « APPROPRIATION MÉTROPOLITAINE » — OUVERTURE DU PARCOURS "
            "« IA-ÉNERGIE DES BÂTIMENTS PUBLICS » ET DÉSIGNATION DES BÉNÉFICIAIRES",
            s["title"],
        ),
        P("DATE DE LA CONVOCATION : 8 octobre 2025", s["base"]),
        P("NOMBRE DE CONSEILLERS EN EXERCICE : 44", s["base"]),
        P("NOMBRE DE MEMBRES PRÉSENTS OU REPRÉSENTÉS : 37", s["base"]),
        P("PRÉSIDENTE DE SÉANCE : Hélène MARCHAND-DUVAL, Vice-présidente", s["base"]),
        P("SECRÉTAIRE DE SÉANCE : Bertrand LECLERCQ", s["base"]),
        Spacer(1, 6),
        P("LE BUREAU DE LA MÉTROPOLE DU GRAND PARIS,", s["bold"]),
    ]
    visas = [
        "Vu le code général des collectivités territoriales, et notamment ses articles L.5211-10 et L.5219-1,",
        "Vu la loi n°2014-58 du 27 janvier 2014 de modernisation de l'action publique territoriale et "
        "d'affirmation des métropoles,",
        "Vu la loi n°2015-991 du 7 août 2015 portant nouvelle organisation territoriale de la République,",
        "Vu la délibération CM2025/04/07/19-1 approuvant la stratégie métropolitaine de déploiement de "
        "l'intelligence artificielle au service des politiques publiques,",
        "Vu la délibération CM2025/04/07/19-2 portant lancement du programme « Appropriation Métropolitaine » "
        "et déléguant au Bureau la désignation des bénéficiaires,",
        "Vu la délibération BM2025/06/24/12 ouvrant le parcours « IA-Administration Interne des Collectivités »,",
        "Vu le règlement du programme « Appropriation Métropolitaine », et notamment ses articles 4 et 5,",
        "Vu le modèle de convention d'engagement du programme,",
        "Vu l'avis du comité d'examen réuni le 30 septembre 2025,",
    ]
    story += [P(v, s["base"]) for v in visas]
    considerants = [
        "Considérant que la gestion de l'énergie dans les bâtiments publics figurait parmi les thématiques "
        "présentées lors du lancement du programme et qu'elle a suscité le plus grand nombre de marques d'intérêt,",
        "Considérant que les écoles, gymnases et équipements culturels représentent l'essentiel des consommations "
        "de chauffage et d'électricité du patrimoine communal, et que les communes sont tenues de réduire "
        "progressivement ces consommations,",
        "Considérant que des outils d'intelligence artificielle permettent de prévoir les besoins de chauffage "
        "à partir des relevés des compteurs, des prévisions météorologiques et des plannings d'occupation,",
        "Considérant que l'appel à candidatures du parcours a été publié le 1er septembre 2025 et clos le "
        "26 septembre 2025, et que vingt-sept candidatures ont été déposées dans ce délai,",
        "Considérant que le comité d'examen a émis un avis favorable sur dix-huit candidatures ayant obtenu "
        "au moins le nombre de points requis par le règlement,",
    ]
    story += [P(c, s["base"]) for c in considerants]
    story += [
        Spacer(1, 4),
        P("APRÈS EN AVOIR DÉLIBÉRÉ,", s["bold"]),
        P(
            "<b>DÉCIDE</b> d'ouvrir, au titre du programme « Appropriation Métropolitaine », un deuxième parcours "
            "intitulé « IA-Énergie des bâtiments publics », consacré au suivi et à la prévision des "
            "consommations énergétiques des bâtiments communaux.",
            s["base"],
        ),
        P(
            "<b>APPROUVE</b> la liste des communes et établissements publics territoriaux bénéficiaires du "
            "parcours « IA-Énergie des bâtiments publics », au nombre de dix-huit, à savoir :",
            s["base"],
        ),
        P(", ".join(ENERGIE_LIST) + ".", s["base"]),
        P(
            "<b>PRÉCISE</b> que l'expérimentation portera, pour chaque bénéficiaire, sur trois bâtiments au plus, "
            "choisis par lui parmi son patrimoine.",
            s["base"],
        ),
        P(
            "<b>AUTORISE</b> la Vice-présidente déléguée à l'innovation et au numérique à signer, au nom du "
            "Président, les conventions d'engagement avec chacun des bénéficiaires, selon le modèle en vigueur.",
            s["base"],
        ),
        P(
            "<b>DIT</b> que la présente délibération n'entraîne aucune dépense à la charge des bénéficiaires.",
            s["base"],
        ),
        Spacer(1, 6),
        P("DÉLIBÉRATION ADOPTÉE À L'UNANIMITÉ DES MEMBRES PRÉSENTS OU REPRÉSENTÉS", s["bold"]),
        Spacer(1, 10),
        P("Pour le Président de la Métropole du Grand Paris, et par délégation,", s["right"]),
        P("la Vice-présidente", s["right"]),
        P("Hélène MARCHAND-DUVAL", s["right"]),
        Spacer(1, 10),
        P(
            "Acte certifié exécutoire. La présente délibération peut être contestée par la voie d'un recours "
            "pour excès de pouvoir, devant le tribunal administratif de Paris, dans les deux mois suivant sa "
            "publication et sa transmission au contrôle de légalité.",
            s["warn"],
        ),
    ]
    return story


# ============================================================ 2. Conseil deliberation (Markdown)
def build_conseil_md() -> Path:
    path = OUT / "CM2025-12-10-04_deliberation_conseil.md"
    names = MOBILITES_LIST
    liste = ", ".join(names[:-1]) + " et " + names[-1]
    text = f"""---
titre: "Délibération CM2025/12/10/04 du Conseil de la Métropole (SYNTHÉTIQUE)"
type: délibération
date: 2025-12-10
synthetique: true
statut: "{SYNTH_META}"
---

{SYNTH}

RÉPUBLIQUE FRANÇAISE — MÉTROPOLE DU GRAND PARIS

# CONSEIL DE LA MÉTROPOLE DU GRAND PARIS — SÉANCE DU MERCREDI 10 DÉCEMBRE 2025

**CM2025/12/10/04 : PROGRAMME « APPROPRIATION MÉTROPOLITAINE » — CRÉATION DU PARCOURS « IA-MOBILITÉS ET LOGISTIQUE URBAINE » ET DÉSIGNATION DE SES BÉNÉFICIAIRES**

Date d'envoi de la convocation : 3 décembre 2025
Nombre de conseillers métropolitains en exercice : 208
Présidente de séance : Sylvie DARRIEUX-MOREL, Première vice-présidente
Secrétaire de séance : Thomas VÉRON
Rapporteur : Julien ABECASSIS, conseiller métropolitain délégué aux mobilités

## Exposé

Le programme « Appropriation Métropolitaine » a déjà donné lieu à deux parcours, désignés par le Bureau : « IA-Administration Interne des Collectivités » en juin 2025 et « IA-Énergie des bâtiments publics » en octobre 2025. Le troisième parcours porte sur les livraisons en ville : occupation des aires de livraison, horaires des tournées et circulation des véhicules utilitaires. Parce qu'il associe des établissements publics territoriaux compétents en matière de voirie, sa création et la désignation de ses bénéficiaires sont soumises au Conseil.

## Le Conseil de la Métropole,

Vu le code général des collectivités territoriales,

Vu la délibération CM2025/04/07/19-2 portant lancement du programme « Appropriation Métropolitaine »,

Vu la délibération du Bureau BM2025/10/15/07 ouvrant le parcours « IA-Énergie des bâtiments publics »,

Vu le règlement du programme et le modèle de convention d'engagement,

Vu l'avis favorable du comité d'examen en date du 18 novembre 2025,

Considérant que la logistique du dernier kilomètre et les aires de livraison comptaient parmi les thématiques annoncées lors du lancement du programme,

Considérant que l'appel à manifestation d'intérêt ouvert du 3 octobre au 31 octobre 2025 a recueilli vingt et un dossiers, dont deux ont été déclarés irrecevables faute de pièces,

Considérant que l'expérimentation de ce parcours repose sur des capteurs d'occupation installés sur les aires de livraison et sur un outil de prévision des créneaux disponibles,

## Après en avoir délibéré, DÉCIDE :

**Article 1** : Est créé, au titre du programme « Appropriation Métropolitaine », le parcours « IA-Mobilités et logistique urbaine », consacré à l'optimisation des aires de livraison et des flux de logistique du dernier kilomètre.

**Article 2** : Sont désignés bénéficiaires du parcours « IA-Mobilités et logistique urbaine », au nombre de douze : {liste}.

**Article 3** : Les conventions d'engagement devront être signées au plus tard le 27 février 2026. Passé ce délai, le bénéficiaire qui n'aura pas signé sera réputé avoir renoncé à sa participation.

**Article 4** : Le Conseil délègue au Bureau le soin de compléter la liste de l'article 2, en cas de désistement, dans la limite de trois bénéficiaires supplémentaires choisis parmi les candidats ayant reçu un avis favorable du comité d'examen.

**Article 5** : Le Président de la Métropole, ou son représentant, est autorisé à signer les conventions d'engagement et tout document nécessaire à l'exécution de la présente délibération.

## Résultat du vote

Pour : 142 ; Contre : 9 ; Abstentions : 6 ; Ne prennent pas part au vote : 3.

La délibération est adoptée à la majorité des suffrages exprimés.

Pour extrait conforme,
La Présidente de séance,
Sylvie DARRIEUX-MOREL

Transmise au représentant de l'État et publiée le 12 décembre 2025. La présente délibération peut faire l'objet d'un recours devant le tribunal administratif de Paris dans un délai de deux mois à compter de sa publication.
"""
    path.write_text(text, encoding="utf-8")
    return path


# ============================================================ 3. Règlement (DOCX)
REGLEMENT_ARTICLES: list[tuple[str, list]] = [
    ("Article 1 – Objet", [
        "Le présent règlement fixe les conditions dans lesquelles les collectivités participent au programme "
        "« Appropriation Métropolitaine », dispositif de formation et d'expérimentation de solutions "
        "d'intelligence artificielle mis en œuvre par la Métropole du Grand Paris.",
        "Le programme est organisé en parcours thématiques. Chaque parcours fait l'objet d'un appel à "
        "candidatures distinct et réunit un groupe restreint de bénéficiaires.",
    ]),
    ("Article 2 – Bénéficiaires éligibles", [
        "Peuvent présenter leur candidature :",
        ["les communes membres de la Métropole du Grand Paris ;",
         "les établissements publics territoriaux (EPT) situés dans le périmètre de la Métropole."],
        "Ne sont pas éligibles les syndicats intercommunaux, les associations, les entreprises et les "
        "établissements publics autres que les EPT.",
        "Une même collectivité peut prendre part à plusieurs parcours, dans la limite de trois parcours suivis "
        "simultanément.",
    ]),
    ("Article 3 – Modalités de candidature", [
        "Chaque appel à candidatures est publié sur le site internet de la Métropole. Il précise la thématique "
        "du parcours, le nombre indicatif de places et la date de clôture, fixée au moins quatre semaines après "
        "la publication.",
        "Le dossier de candidature comprend les pièces suivantes :",
        ["le formulaire d'engagement, signé par le maire ou par l'adjoint ayant reçu délégation ;",
         "une note de présentation de la problématique à traiter, de trois pages au maximum ;",
         "le nom et les coordonnées de l'agent pressenti comme référent ;",
         "la liste des jeux de données susceptibles d'être mobilisés ;",
         "pour un EPT, la délibération ou la décision de son président autorisant la candidature."],
        "Le dossier est déposé exclusivement par voie électronique, sur la plateforme de candidature de la "
        "Métropole. Un dossier incomplet à la date de clôture est déclaré irrecevable.",
    ]),
    ("Article 4 – Comité d'examen", [
        "Les candidatures recevables sont examinées par un comité d'examen composé de :",
        ["le vice-président de la Métropole chargé de l'innovation et du numérique, qui le préside ;",
         "trois conseillers métropolitains désignés par le Président de la Métropole ;",
         "le directeur général des services de la Métropole ou son représentant ;",
         "deux personnalités qualifiées dans le domaine de l'intelligence artificielle, qui siègent avec "
         "voix consultative."],
        "Le comité se réunit dans les trois semaines qui suivent la clôture de l'appel à candidatures. Il ne "
        "siège valablement que si la moitié au moins de ses membres à voix délibérative sont présents.",
        "Il rend un avis motivé, adopté à la majorité des membres présents ; en cas de partage égal des voix, "
        "la voix de son président est prépondérante. L'avis est transmis au Bureau ou au Conseil de la "
        "Métropole, qui arrête la liste des bénéficiaires.",
    ]),
    ("Article 5 – Critères de sélection", [
        "Chaque candidature recevable est notée sur 100 points selon la grille ci-dessous.",
        ("table", [
            ["Critère", "Points"],
            ["Pertinence de la problématique au regard de la thématique", "30"],
            ["Mobilisation des équipes (référent, disponibilité des agents)", "25"],
            ["Disponibilité et qualité des données", "20"],
            ["Potentiel de réplication à l'échelle métropolitaine", "15"],
            ["Sobriété numérique et impact environnemental", "10"],
            ["Total", "100"],
        ]),
        "Seules les candidatures ayant obtenu au moins 60 points peuvent être retenues. À note égale, la "
        "priorité revient au candidat qui ne bénéficie encore d'aucun parcours du programme.",
    ]),
    ("Article 6 – Engagements des bénéficiaires", [
        "En contrepartie de l'accompagnement qui lui est apporté, chaque bénéficiaire s'engage à :",
        ["désigner un agent référent, interlocuteur unique de la Métropole pendant tout le parcours ;",
         "faire participer au moins deux agents et un élu aux deux journées de formation ;",
         "mettre à disposition les données nécessaires à l'expérimentation ;",
         "renseigner les questionnaires d'évaluation qui lui sont adressés ;",
         "présenter ses résultats lors de la journée de restitution organisée à la fin du parcours."],
        "La convention d'engagement est signée par le bénéficiaire dans un délai de deux mois à compter de la "
        "notification de sa sélection.",
    ]),
    ("Article 7 – Accompagnement et prise en charge par la Métropole", [
        "La Métropole prend intégralement à sa charge la conception et l'animation des journées de formation, "
        "l'accès à la solution d'intelligence artificielle expérimentée pendant toute la durée de "
        "l'expérimentation, ainsi que l'accompagnement méthodologique, avant l'expérimentation et pour "
        "l'analyse de ses résultats.",
        "Le programme ne donne lieu à aucun versement de subvention ni à aucun transfert financier au profit "
        "des bénéficiaires. Le temps de travail et les frais de déplacement des agents et des élus restent à la "
        "charge de la collectivité bénéficiaire.",
    ]),
    ("Article 8 – Durée de l'expérimentation", [
        "L'expérimentation dure dix-huit mois à compter de la réunion de lancement du parcours.",
        "Elle peut être prolongée une seule fois, pour six mois au plus, par décision du Président de la "
        "Métropole, sur demande motivée du bénéficiaire présentée au moins deux mois avant son terme.",
    ]),
    ("Article 9 – Calendrier type d'un parcours", [
        "Chaque parcours suit, à titre indicatif, le calendrier suivant.",
        ("table", [
            ["Étape", "Délai indicatif"],
            ["Publication de l'appel à candidatures", "Jour J"],
            ["Clôture des candidatures", "Au moins quatre semaines après J"],
            ["Réunion du comité d'examen", "Dans les trois semaines suivant la clôture"],
            ["Désignation des bénéficiaires par le Bureau ou le Conseil", "Première séance suivant l'avis du comité"],
            ["Journées de formation", "Dans les trois mois suivant la désignation"],
            ["Expérimentation", "Durée fixée à l'article 8"],
            ["Bilan et journée de restitution", "Dans les quatre mois suivant la fin de l'expérimentation"],
        ]),
    ]),
    ("Article 10 – Protection des données personnelles", [
        "Les traitements de données à caractère personnel mis en œuvre dans le cadre du programme respectent "
        "le règlement (UE) 2016/679 du 27 avril 2016 et la loi n°78-17 du 6 janvier 1978.",
        "Le bénéficiaire demeure responsable des traitements portant sur les données qu'il met à disposition ; "
        "la Métropole et le fournisseur de la solution agissent pour son compte.",
        "Les données sont hébergées sur le territoire de l'Union européenne et supprimées au plus tard six mois "
        "après la fin de l'expérimentation. Elles ne peuvent servir à entraîner un modèle d'intelligence "
        "artificielle sans l'accord écrit du bénéficiaire.",
    ]),
    ("Article 11 – Retrait et exclusion", [
        "Le bénéficiaire peut se retirer du programme à tout moment, par courrier adressé au Président de la "
        "Métropole. Le retrait entraîne la résiliation de la convention d'engagement dans les conditions "
        "prévues par celle-ci.",
        "Le bénéficiaire qui ne respecte pas ses engagements peut être exclu du programme par décision du "
        "Président, après une mise en demeure restée sans effet pendant quinze jours. Une collectivité exclue "
        "ne peut présenter de nouvelle candidature pendant douze mois.",
    ]),
    ("Article 12 – Voies et délais de recours", [
        "Les décisions prises en application du présent règlement peuvent faire l'objet d'un recours gracieux "
        "auprès du Président de la Métropole du Grand Paris dans un délai de deux mois à compter de leur "
        "notification.",
        "Elles peuvent également être déférées au tribunal administratif de Paris dans ce même délai de deux "
        "mois ; un recours gracieux prolonge le délai de recours contentieux. Le tribunal peut être saisi par "
        "l'application Télérecours citoyens.",
    ]),
    ("Article 13 – Entrée en vigueur et modification", [
        "Le présent règlement entre en vigueur à la date de sa publication sur le site internet de la Métropole.",
        "Il peut être modifié par délibération du Bureau de la Métropole. Les modifications s'appliquent aux "
        "parcours dont l'appel à candidatures est publié après leur adoption.",
    ]),
]


def build_reglement_docx() -> Path:
    import docx
    from docx.shared import Pt

    path = OUT / "reglement_appropriation_metropolitaine.docx"
    document = docx.Document()
    warn = document.add_paragraph()
    run = warn.add_run(SYNTH)
    run.italic = True
    run.font.size = Pt(9)
    document.add_paragraph("Métropole du Grand Paris", style="Subtitle")
    document.add_paragraph("Règlement du programme « Appropriation Métropolitaine »", style="Title")
    document.add_paragraph(
        "Programme de formation et d'expérimentation de solutions d'intelligence artificielle au service des "
        "politiques publiques métropolitaines — version applicable aux parcours ouverts à compter de 2025."
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
                _, rows = block
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
    props = document.core_properties
    props.title = "SYNTHÉTIQUE — Règlement du programme « Appropriation Métropolitaine » (fictif)"
    props.subject = SYNTH_META
    props.comments = SYNTH_META
    props.keywords = "SYNTHÉTIQUE; fictif; test"
    props.author = "Équipe de test de l'assistant (document synthétique)"
    props.last_modified_by = props.author
    props.category = "règlement"
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue()))
    return path


# ============================================================ 4. Convention model (PDF)
def build_convention_pdf() -> Path:
    from reportlab.platypus import Paragraph

    return _write_pdf_story(
        OUT / "modele_convention_engagement.pdf", lambda: _convention_story(_pdf_styles(), Paragraph),
        title="SYNTHÉTIQUE — Modèle de convention d'engagement (fictif)",
        footer="Modèle de convention d'engagement",
    )


def _convention_story(s, P) -> list:
    from reportlab.platypus import Spacer

    def bullets(items: list[str]) -> list:
        return [P(i, s["bullet"], bulletText="•") for i in items]

    story = [
        P(SYNTH, s["warn"]),
        P("MÉTROPOLE DU GRAND PARIS", s["center"]),
        P("MODÈLE DE CONVENTION D'ENGAGEMENT", s["center_bold"]),
        P("Programme « Appropriation Métropolitaine » — parcours « [•] »", s["center"]),
        Spacer(1, 8),
        P("ENTRE", s["bold"]),
        P(
            "La Métropole du Grand Paris, établissement public de coopération intercommunale à statut particulier, "
            "représentée par son Président, ou son représentant, dûment habilité par la délibération n° [•] du [•], "
            "ci-après dénommée « la Métropole »,",
            s["base"],
        ),
        P("ET", s["bold"]),
        P(
            "la commune de [•], représentée par son maire, dûment habilité par la délibération du conseil "
            "municipal en date du [•], ci-après dénommée « la Commune »,",
            s["base"],
        ),
        P("ci-après dénommées ensemble « les Parties ».", s["base"]),
        P("PRÉAMBULE", s["heading"]),
        P(
            "La Commune a été désignée bénéficiaire d'un parcours du programme « Appropriation Métropolitaine » "
            "par l'organe délibérant de la Métropole, après avis du comité d'examen. La présente convention "
            "précise les conditions de sa participation, dans le respect du règlement du programme, qui lui est "
            "annexé.",
            s["base"],
        ),
        P("IL EST CONVENU CE QUI SUIT :", s["bold"]),
        P("Article 1 – Objet", s["heading"]),
        P(
            "La présente convention a pour objet de définir les engagements réciproques des Parties pour la "
            "participation de la Commune au parcours « [•] » : formation de ses agents et de ses élus, puis "
            "expérimentation d'une solution d'intelligence artificielle sur une problématique qu'elle a identifiée.",
            s["base"],
        ),
        P("Article 2 – Durée", s["heading"]),
        P(
            "La convention prend effet à la date de sa signature par la dernière des Parties. Elle est conclue "
            "pour une durée de vingt-quatre mois et n'est pas renouvelable par tacite reconduction.",
            s["base"],
        ),
        P("Article 3 – Engagements de la Métropole", s["heading"]),
        P("La Métropole s'engage à :", s["base"]),
        *bullets([
            "organiser et animer deux journées de formation destinées aux agents et aux élus de la Commune ;",
            "mettre gratuitement la solution expérimentée à la disposition de la Commune pendant l'expérimentation ;",
            "désigner un chef de projet, interlocuteur de la Commune pendant toute la durée de la convention ;",
            "assurer l'accompagnement méthodologique de l'expérimentation et l'analyse de ses résultats ;",
            "remettre à la Commune un rapport d'évaluation dans les trois mois suivant la fin de l'expérimentation.",
        ]),
        P("Article 4 – Engagements de la Commune", s["heading"]),
        P("La Commune s'engage à :", s["base"]),
        *bullets([
            "désigner un agent référent et informer la Métropole de tout changement de référent ;",
            "assurer la participation de ses agents et de ses élus aux journées de formation ;",
            "fournir les données nécessaires à l'expérimentation, dans le respect de l'article 8 ;",
            "participer au comité de suivi de l'expérimentation, qui se réunit une fois par trimestre ;",
            "remettre un rapport d'étape au terme du neuvième mois de l'expérimentation ;",
            "signaler sans délai à la Métropole toute difficulté susceptible de compromettre l'expérimentation.",
        ]),
        P("Article 5 – Absence de contrepartie financière", s["heading"]),
        P(
            "La présente convention est conclue à titre gratuit. Elle n'emporte aucun flux financier entre les "
            "Parties : la Métropole ne verse aucune somme à la Commune, et la Commune ne verse aucune somme à la "
            "Métropole. Chaque Partie supporte ses propres frais.",
            s["base"],
        ),
        P("Article 6 – Propriété des résultats", s["heading"]),
        P(
            "La Commune demeure propriétaire de ses données. Les rapports d'évaluation et les enseignements de "
            "l'expérimentation appartiennent conjointement aux Parties ; la Métropole peut les publier sous "
            "Licence Ouverte Etalab 2.0, sous une forme qui ne permet pas d'identifier les personnes.",
            s["base"],
        ),
        P(
            "La solution d'intelligence artificielle reste la propriété de son éditeur : la présente convention "
            "n'emporte aucune cession de droits sur celle-ci au profit de la Commune.",
            s["base"],
        ),
        P("Article 7 – Communication", s["heading"]),
        P(
            "Toute action de communication relative à l'expérimentation porte la mention « Programme Appropriation "
            "Métropolitaine – Métropole du Grand Paris » et le logotype de la Métropole. Un communiqué de presse "
            "est soumis à l'accord préalable de l'autre Partie, qui dispose de dix jours ouvrés pour se prononcer.",
            s["base"],
        ),
        P("Article 8 – Données à caractère personnel", s["heading"]),
        P(
            "Les Parties respectent les obligations relatives à la protection des données personnelles prévues à "
            "l'article 10 du règlement du programme.",
            s["base"],
        ),
        P("Article 9 – Résiliation", s["heading"]),
        P(
            "Chacune des Parties peut résilier la présente convention par lettre recommandée avec demande d'avis "
            "de réception, moyennant un préavis d'un mois. En cas de force majeure, la résiliation prend effet "
            "immédiatement. La résiliation n'ouvre droit à aucune indemnité.",
            s["base"],
        ),
        P("Article 10 – Règlement des litiges", s["heading"]),
        P(
            "Les Parties s'efforcent de régler à l'amiable tout différend relatif à l'interprétation ou à "
            "l'exécution de la présente convention, dans un délai de trente jours à compter de la saisine de "
            "l'une par l'autre. À défaut d'accord dans ce délai, le litige est porté devant le tribunal "
            "administratif de Paris.",
            s["base"],
        ),
        Spacer(1, 8),
        P("Annexe 1 : règlement du programme « Appropriation Métropolitaine ».", s["base"]),
        P("Annexe 2 : fiche de présentation du parcours.", s["base"]),
        Spacer(1, 8),
        P("Fait à Paris, le [•], en deux exemplaires originaux.", s["base"]),
        P("Pour la Métropole du Grand Paris, le Président ou son représentant", s["base"]),
        P("Pour la commune de [•], le Maire", s["base"]),
    ]
    return story


# ============================================================ 5. Meeting report (HTML)
def build_compte_rendu_html() -> Path:
    path = OUT / "compte_rendu_atelier_lancement_ia_energie.html"
    html = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="description" content="{SYNTH_META}">
<meta name="robots" content="noindex">
<title>SYNTHÉTIQUE — Compte rendu de l'atelier de lancement du parcours « IA-Énergie des bâtiments publics »</title>
</head>
<body>
<p><em>{SYNTH}</em></p>
<h1>Compte rendu de l'atelier de lancement du parcours « IA-Énergie des bâtiments publics »</h1>
<p>Date : jeudi 20 novembre 2025, de 9 h 30 à 12 h 30.</p>
<p>Lieu : siège de la Métropole du Grand Paris, salle Marne.</p>
<p>Participants : 41 personnes, représentant 16 des 18 bénéficiaires du parcours. Les communes de Bondy et de Sevran s'étaient excusées.</p>
<p>Animation : Claire FONTAINE, cheffe de projet du programme, et Mehdi OUALI, chargé de mission énergie.</p>

<h2>Ordre du jour</h2>
<ol>
<li>Mot d'accueil de la vice-présidente Hélène MARCHAND-DUVAL</li>
<li>Présentation du parcours et de son calendrier</li>
<li>Démonstration de l'outil de pilotage énergétique</li>
<li>Questions des participants</li>
<li>Prochaines étapes</li>
</ol>

<h2>Synthèse des échanges</h2>
<p>La vice-présidente a rappelé que le parcours vise à réduire les consommations de chauffage et d'électricité des écoles, des gymnases et des équipements culturels, sans investissement de la part des communes.</p>
<p>L'outil présenté croise les relevés des compteurs communicants, les prévisions météorologiques et les plannings d'occupation des salles pour proposer chaque semaine des réglages de chauffage. Aucune décision n'est automatisée : les réglages proposés sont validés par les services techniques de chaque commune.</p>
<p>Un bâtiment pilote doit être équipé d'un compteur communicant relevé au moins une fois par jour. Les bénéficiaires dont les bâtiments n'en disposent pas sont invités à se signaler rapidement.</p>
<p>À la date de l'atelier, quatorze bénéficiaires avaient désigné leur référent.</p>

<h2>Questions et réponses</h2>
<dl>
<dt>Colombes : faut-il acheter des capteurs de température ?</dt>
<dd>Non. La Métropole prête vingt capteurs par bâtiment pilote pour toute la durée de l'expérimentation.</dd>
<dt>Villejuif : nos relevés de consommation seront-ils communiqués à des tiers ?</dt>
<dd>Non. Ils ne servent qu'à l'expérimentation, dans les conditions fixées par l'article 10 du règlement.</dd>
<dt>Grand Paris Sud Est Avenir : un EPT peut-il proposer des bâtiments de ses communes membres ?</dt>
<dd>Oui, s'il en assure la gestion, dans la limite de trois bâtiments pour l'ensemble du territoire.</dd>
</dl>

<h2>Prochaines étapes</h2>
<table>
<tr><th>Échéance</th><th>Action</th><th>Qui</th></tr>
<tr><td>5 décembre 2025</td><td>Désignation des référents manquants</td><td>Bénéficiaires</td></tr>
<tr><td>19 décembre 2025</td><td>Envoi de l'inventaire des bâtiments pilotes et de leurs compteurs</td><td>Bénéficiaires</td></tr>
<tr><td>13 et 14 janvier 2026</td><td>Les deux journées de formation des agents et des élus</td><td>Métropole</td></tr>
<tr><td>2 février 2026</td><td>Démarrage de l'expérimentation dans les bâtiments pilotes</td><td>Métropole et bénéficiaires</td></tr>
<tr><td>12 mars 2026</td><td>Premier comité de suivi</td><td>Métropole</td></tr>
</table>

<h2>Contact</h2>
<p>Équipe projet « Appropriation Métropolitaine » : appropriation-ia@example.org (adresse fictive).</p>
<p>Compte rendu diffusé aux participants le 27 novembre 2025.</p>
</body>
</html>
"""
    path.write_text(html, encoding="utf-8")
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for build in (build_bureau_pdf, build_conseil_md, build_reglement_docx, build_convention_pdf,
                  build_compte_rendu_html):
        path = build()
        print(f"{path} ({path.stat().st_size} octets)")


if __name__ == "__main__":
    main()
