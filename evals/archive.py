"""A SYNTHETIC archive of the Métropole's acts, years of them, and questions drawn from its own facts.

The benchmark asks whether the assistant still finds the right act among thousands of similar ones
(same headers, same officers, the same communes in many lists). Everything here is INVENTED: séances,
references, officers, subsidies, tracks of the programme, règlements and their values. Only the names
of the communes and EPT of the Métropole are real, so that beneficiary lists look like real ones; no
rule of the programme « Appropriation Métropolitaine » is written here as a fact. Every document says
it is synthetic in its first line of text and in its metadata.

``write_archive(folder, acts, seed)`` writes ``folder/documents/`` (PDF via fpdf2, some DOCX) and
``folder/archive.json`` (the facts of each act); ``archive_questions(archive, per_kind, seed)`` draws
an :class:`~evals.schema.EvalSet` from those facts, each answerable case with the source passage of
the one act that holds its fact; ``write_testset`` saves it as ``folder/testset.yaml``. The same seed
gives the same facts, the same questions (and ids) and the same file bytes.

Usage: ``python -m evals.archive --acts 300 --dir /tmp/archive --per-kind 10``
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import time
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from assistant.communes import ept_members, metropole_communes
from evals.schema import EvalCase, EvalSet, SourcePassage

GENERATOR_VERSION = "archive-1"
SYNTH = "DOCUMENT SYNTHÉTIQUE — fictif, créé pour le banc d'essai de l'assistant ; aucune valeur officielle."
SYNTH_META = "SYNTHÉTIQUE — document fictif créé pour le banc d'essai de l'assistant ; aucune valeur officielle."
FIXED_DATE = dt.datetime(2025, 12, 15, 9, 0, 0)
LAST_YEAR = 2025
ACTS_PER_YEAR = 300
# Séances of the bundled corpus (corpus/) and of evals/corpora/multi: never an archive date, so the
# archive can be evaluated with them without two acts sharing a reference or a séance.
RESERVED_DATES = {dt.date(2025, 6, 24), dt.date(2025, 4, 7), dt.date(2025, 10, 15), dt.date(2025, 12, 10)}

Organ = Literal["BM", "CM"]
ActKind = Literal[
    "track_opening", "track_wave", "subsidy", "convention", "appointment", "budget", "staff", "procurement",
    "membership_fee", "fund_creation", "reglement", "convention_model",
]

# ============================================================================ French wording
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
          "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_ORDINALS = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", 6: "sixième",
             7: "septième", 8: "huitième", 9: "neuvième", 10: "dixième", 11: "onzième", 12: "douzième"}


def number_fr(n: int, feminine: bool = False) -> str:
    """French words for 0–99 (« vingt et un », « soixante-douze », « quatre-vingts »); ``feminine``:
    « vingt et une candidatures »."""
    words = _number_fr(n)
    return re.sub(r"\bun$", "une", words) if feminine else words


def of(words: str) -> str:
    """« de deux mois », « d'un mois »."""
    return f"d'{words}" if words.startswith(("un ", "une ")) else f"de {words}"


def _number_fr(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        base = "soixante" if tens == 7 else "quatre-vingt"
        return base + (" et onze" if tens == 7 and unit == 1 else "-" + _UNITS[10 + unit])
    if tens == 8:
        return "quatre-vingts" if unit == 0 else "quatre-vingt-" + _UNITS[unit]
    if unit == 0:
        return _TENS[tens]
    return _TENS[tens] + (" et un" if unit == 1 else "-" + _UNITS[unit])


def date_fr(d: dt.date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MONTHS_FR[d.month - 1]} {d.year}"


def date_variants(d: dt.date) -> list[str]:
    """The ways an answer may write a date: « 1er mars 2024 », « 1 mars 2024 », « 01/03/2024 »."""
    out = [date_fr(d), f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}", d.strftime("%d/%m/%Y")]
    return list(dict.fromkeys(out))


def euros(n: int) -> str:
    return f"{n:,}".replace(",", " ") + " €"


def amount_variants(n: int) -> list[str]:
    return list(dict.fromkeys([f"{n:,}".replace(",", " "), str(n)]))


def count_variants(n: int) -> list[str]:
    return [str(n), number_fr(n)]


def to_theme(theme: str) -> str:
    """« à » + a theme: « au suivi… », « à la prévision… », « à l'accueil… »."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if theme.startswith(article):
            return contracted + theme[len(article):]
    return "à " + theme


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def ref_slug(reference: str) -> str:
    return slug(reference.replace("/", "-"))


# =============================================================================== invented cast
FIRST_F = ["Agnès", "Anne", "Annick", "Aurélie", "Béatrice", "Camille", "Caroline", "Cécile", "Chantal", "Claire",
           "Corinne", "Delphine", "Élise", "Émilie", "Fabienne", "Florence", "Françoise", "Géraldine", "Hélène",
           "Isabelle", "Jacqueline", "Julie", "Karine", "Laurence", "Léa", "Lucie", "Marion", "Martine", "Mathilde",
           "Monique", "Nadia", "Nathalie", "Noémie", "Pascale", "Patricia", "Sabine", "Sandrine", "Sophie",
           "Stéphanie", "Sylvie", "Valérie", "Véronique", "Yasmina", "Zoé"]
FIRST_M = ["Alain", "Alexandre", "Antoine", "Arnaud", "Benoît", "Bernard", "Bruno", "Christophe", "Damien", "Denis",
           "Didier", "Emmanuel", "Éric", "Fabrice", "François", "Frédéric", "Gilles", "Grégoire", "Guillaume", "Henri",
           "Hervé", "Jacques", "Jean-Luc", "Jérôme", "Julien", "Karim", "Laurent", "Loïc", "Marc", "Mathieu",
           "Mehdi", "Nicolas", "Olivier", "Pascal", "Philippe", "Pierre", "Rémi", "Samir", "Sébastien", "Thierry",
           "Thomas", "Vincent", "Xavier", "Yann"]
SURNAMES = ["ABADIE", "ALLARD", "AUBRY", "BARBIER", "BARRAUD", "BAZIN", "BENOÎT", "BERTHIER", "BESSON", "BLONDEL",
            "BOISSIER", "BOUCHARD", "BRETON", "BRUNEAU", "CARON", "CHARPENTIER", "CHAUVIN", "CHEVALLIER", "CLÉMENT",
            "COLLIN", "COSTE", "COURTOIS", "DANIEL", "DELAUNAY", "DELMAS", "DESCHAMPS", "DEVAUX", "DUBREUIL",
            "DUCHÊNE", "DUFOUR", "DUMONT", "DUPRAT", "ÉTIENNE", "FABRE", "FAURE", "FERRAND", "FLEURY", "FOUCHER",
            "GAILLARD", "GARNIER", "GAUTHIER", "GERMAIN", "GIRAUD", "GODARD", "GRONDIN", "GUÉRIN", "GUILLOT",
            "HAMON", "HÉBERT", "HUMBERT", "JACOB", "JOLY", "LABBÉ", "LACROIX", "LAMBERT", "LANGLOIS", "LAURENT",
            "LEBON", "LECLERC", "LEFEBVRE", "LEGRAND", "LEMAIRE", "LEROUX", "LESAGE", "LOISEAU", "MAILLARD",
            "MALLET", "MARCHAL", "MARTEL", "MASSON", "MAURY", "MEUNIER", "MICHAUD", "MILLET", "MOREAU-DUPUIS",
            "NAVARRO", "NOËL", "OLIVIER", "PARIS-LEBLANC", "PASQUIER", "PELLETIER", "PERRIN", "PICARD", "POIRIER",
            "POULAIN", "PRÉVOST", "RAYNAUD", "RÉMY", "RENAUD", "RIVIÈRE", "ROBIN", "ROCHE", "ROLLAND", "ROUSSEL",
            "ROYER", "SALMON", "SAUVAGE", "SCHMITT", "TESSIER", "THIBAULT", "TISSOT", "TOUSSAINT", "VAILLANT",
            "VALLÉE", "VASSEUR", "VIDAL", "VINCENT-MARTIN", "WEBER"]

# Invented tracks of the programme: no name is a part of another (an expected fact « Mobilités du
# quotidien » must not be found in an answer about another track).
TRACKS = [
    "IA-Énergie et patrimoine bâti", "IA-Mobilités du quotidien", "IA-Relation usagers",
    "IA-Gestion des déchets ménagers", "IA-Eau et assainissement", "IA-Instruction des autorisations d'urbanisme",
    "IA-Entretien de la voirie", "IA-Ressources humaines et paie", "IA-Commande publique", "IA-Petite enfance",
    "IA-Restauration scolaire", "IA-Équipements sportifs", "IA-Lecture publique", "IA-Prévention santé",
    "IA-Sécurité des établissements recevant du public", "IA-Biodiversité urbaine", "IA-Qualité de l'air",
    "IA-Prévention des inondations", "IA-Habitat et logement social", "IA-Accessibilité et traduction",
    "IA-Prospective budgétaire", "IA-Archives et gestion documentaire", "IA-Éclairage public",
    "IA-Stationnement partagé", "IA-Îlots de fraîcheur", "IA-Autonomie des seniors", "IA-Insertion professionnelle",
    "IA-Courrier et démarches en ligne", "IA-État civil", "IA-Données territoriales", "IA-Propreté urbaine",
    "IA-Tourisme et patrimoine", "IA-Agriculture urbaine", "IA-Marchés forains", "IA-Cimetières et funéraire",
]
TRACK_THEMES = {
    "IA-Énergie et patrimoine bâti": "le suivi des consommations énergétiques des bâtiments communaux",
    "IA-Mobilités du quotidien": "la prévision des déplacements et l'information des voyageurs",
    "IA-Relation usagers": "l'accueil et l'orientation des usagers des services municipaux",
    "IA-Gestion des déchets ménagers": "l'optimisation des tournées de collecte des déchets ménagers",
    "IA-Eau et assainissement": "la détection des fuites sur les réseaux d'eau et d'assainissement",
    "IA-Instruction des autorisations d'urbanisme": "l'aide à l'instruction des demandes d'autorisation d'urbanisme",
    "IA-Entretien de la voirie": "le repérage des dégradations de la chaussée et des trottoirs",
    "IA-Ressources humaines et paie": "la préparation de la paie et la gestion des plannings des agents",
    "IA-Commande publique": "l'analyse des offres et la rédaction des pièces des marchés publics",
    "IA-Petite enfance": "l'attribution des places en crèche et la gestion des listes d'attente",
    "IA-Restauration scolaire": "la prévision des effectifs de cantine et la réduction du gaspillage alimentaire",
    "IA-Équipements sportifs": "la réservation et la maintenance des équipements sportifs",
    "IA-Lecture publique": "la gestion des collections et la recommandation de lectures en médiathèque",
    "IA-Prévention santé": "l'organisation de campagnes de prévention et de dépistage",
    "IA-Sécurité des établissements recevant du public": "le suivi des contrôles périodiques des établissements recevant du public",
    "IA-Biodiversité urbaine": "l'inventaire des espèces et la gestion différenciée des espaces verts",
    "IA-Qualité de l'air": "la mesure et la prévision de la qualité de l'air aux abords des écoles",
    "IA-Prévention des inondations": "l'anticipation des crues et des ruissellements urbains",
    "IA-Habitat et logement social": "la détection de l'habitat dégradé et le suivi des demandes de logement",
    "IA-Accessibilité et traduction": "la traduction des documents municipaux et leur mise en accessibilité",
    "IA-Prospective budgétaire": "la préparation budgétaire et la prévision des recettes fiscales",
    "IA-Archives et gestion documentaire": "le classement des archives et la recherche dans les fonds documentaires",
    "IA-Éclairage public": "le pilotage de l'éclairage public et la détection des pannes",
    "IA-Stationnement partagé": "la prévision de l'occupation des places de stationnement",
    "IA-Îlots de fraîcheur": "la cartographie des îlots de chaleur et le choix des sites à végétaliser",
    "IA-Autonomie des seniors": "le repérage de l'isolement des personnes âgées",
    "IA-Insertion professionnelle": "l'accompagnement des demandeurs d'emploi vers les offres du territoire",
    "IA-Courrier et démarches en ligne": "le tri du courrier entrant et le traitement des démarches en ligne",
    "IA-État civil": "la préparation des actes d'état civil et la prise de rendez-vous",
    "IA-Données territoriales": "la fiabilisation des données territoriales et leur partage",
    "IA-Propreté urbaine": "le signalement des dépôts sauvages et la planification du nettoiement",
    "IA-Tourisme et patrimoine": "l'accueil des visiteurs des sites patrimoniaux",
    "IA-Agriculture urbaine": "le suivi des cultures des fermes urbaines",
    "IA-Marchés forains": "la gestion des emplacements des marchés forains",
    "IA-Cimetières et funéraire": "la gestion des concessions funéraires",
}
FUNDS = [
    "Fonds métropolitain pour les équipements durables", "Fonds d'accompagnement des mobilités actives",
    "Fonds de soutien aux tiers-lieux numériques", "Fonds pour la rénovation des écoles",
    "Fonds métropolitain pour la résilience climatique", "Fonds d'amorçage des projets de quartier",
    "Fonds de soutien aux équipements culturels de proximité",
]
PROJECT_KINDS = [
    "la rénovation énergétique du groupe scolaire {name}", "la réhabilitation du gymnase {name}",
    "la végétalisation de la cour de l'école {name}", "la mise en accessibilité de la médiathèque {name}",
    "la création d'un jardin partagé rue {name}", "l'aménagement d'une piste cyclable avenue {name}",
    "la rénovation de la toiture du centre culturel {name}", "la création d'un tiers-lieu numérique quartier {name}",
    "l'installation de panneaux photovoltaïques sur l'école {name}", "la désimperméabilisation du parking {name}",
    "la réfection de l'éclairage du stade {name}", "l'équipement numérique de la maison de quartier {name}",
    "la création d'un local vélos à la gare {name}", "la rénovation de la piscine {name}",
    "l'aménagement des abords du collège {name}", "la plantation d'arbres sur le mail {name}",
]
PLACE_NAMES = ["Jean-Jaurès", "Louise-Michel", "Simone-Veil", "Pablo-Picasso", "Victor-Hugo", "Jules-Ferry",
               "Marie-Curie", "Paul-Éluard", "Jacques-Prévert", "Aimé-Césaire", "Olympe-de-Gouges", "Pasteur",
               "Voltaire", "des Tilleuls", "des Peupliers", "de la Fontaine", "du Moulin", "des Lilas", "Gambetta",
               "Anatole-France", "Joliot-Curie", "Rosa-Parks", "Colette", "George-Sand", "Lamartine", "du Parc",
               "des Acacias", "de la Gare", "Robespierre", "Condorcet", "Jean-Moulin", "Lucie-Aubrac"]
# Subjects that no act of the archive treats (the out-of-archive questions ask about them).
ABSENT_SUBJECTS = [
    "la construction d'une patinoire", "l'achat d'un téléphérique urbain", "la création d'un observatoire astronomique",
    "l'installation d'une piste de ski synthétique", "l'organisation d'un festival de montgolfières",
    "la construction d'un port de plaisance", "l'achat d'un dirigeable publicitaire",
]
ORGANISMS = [
    "au sein du conseil d'administration de l'Agence métropolitaine des données urbaines",
    "au sein du comité syndical du Syndicat mixte pour l'éclairage des voies métropolitaines",
    "au sein du conseil d'administration de l'Office métropolitain de la transition énergétique",
    "au sein de l'assemblée générale de l'association Réseau des villes apprenantes",
    "au sein du comité de pilotage du Campus numérique de l'Est métropolitain",
    "au sein du conseil de surveillance de la Société d'aménagement des berges de Marne",
    "au sein de la commission consultative des services publics locaux",
    "au sein du comité d'examen du programme « Appropriation Métropolitaine »",
    "au sein du jury du concours « Quartiers d'innovation »",
    "au sein du conseil d'administration du Groupement d'intérêt public Données et territoires",
    "au sein du comité de suivi du Plan métropolitain de l'arbre",
    "au sein de la commission d'appel d'offres du groupement de commandes numérique",
]
CONVENTION_OBJECTS = [
    "la mise à disposition de données de consommation énergétique", "l'organisation d'ateliers de médiation numérique",
    "l'expérimentation d'un service de covoiturage solidaire", "la gestion partagée d'un réseau de capteurs de bruit",
    "le prêt de matériel d'exposition sur la transition écologique", "l'accompagnement de la rénovation des copropriétés",
    "la réalisation d'un diagnostic de la biodiversité", "l'installation de stations de réparation de vélos",
    "la collecte des biodéchets des marchés alimentaires", "la formation des agents aux outils d'intelligence artificielle",
    "le partage d'un système d'information géographique", "l'organisation d'une semaine de l'innovation publique",
]
PROCUREMENT_OBJECTS = [
    "la fourniture de licences logicielles", "la maintenance des équipements informatiques",
    "des prestations d'assistance à maîtrise d'ouvrage numérique", "la fourniture de capteurs environnementaux",
    "des prestations de traduction et d'interprétariat", "l'hébergement de données de santé",
    "des prestations de conseil en ingénierie financière", "la location de véhicules électriques",
    "des prestations d'entretien des espaces verts", "l'organisation d'événements institutionnels",
]
ASSOCIATIONS = [
    "Réseau des collectivités pour les données ouvertes", "Alliance des territoires numériques",
    "Association des métropoles pour la sobriété énergétique", "Club des acheteurs publics innovants",
    "Observatoire des politiques de l'arbre en ville", "Réseau francilien des tiers-lieux",
]
JOBS = [
    "ingénieur territorial (chef de projet données)", "attaché territorial (chargé de mission intelligence artificielle)",
    "rédacteur territorial (gestionnaire des subventions)", "technicien territorial (référent énergie)",
    "attaché territorial (juriste commande publique)", "adjoint administratif territorial (assistant de direction)",
    "ingénieur territorial (architecte des systèmes d'information)", "attaché territorial (chargé d'évaluation)",
]
EXPOSE_SENTENCES = [
    "La Métropole du Grand Paris accompagne les communes de son territoire dans la transformation de leurs services publics.",
    "Les communes membres ont exprimé, lors des conférences territoriales, le besoin d'un appui en ingénierie.",
    "Le présent projet s'inscrit dans les orientations budgétaires débattues en début d'exercice.",
    "Les services de la Métropole ont conduit, avec les communes concernées, une concertation préalable.",
    "Les crédits correspondants ont été inscrits au budget de l'exercice en cours.",
    "Le dispositif a fait l'objet d'une présentation en commission thématique.",
    "Les retours des communes ayant participé aux actions précédentes ont été pris en compte.",
    "La démarche répond aux engagements de la Métropole en matière de sobriété et de transition écologique.",
    "Un bilan des actions engagées sera présenté aux élus au terme de l'exercice.",
    "Les établissements publics territoriaux ont été associés à la préparation du présent dossier.",
    "Le projet contribue à la réduction des inégalités territoriales au sein de la Métropole.",
    "La mise en œuvre fera l'objet d'un suivi régulier par les services métropolitains.",
    "Il est rappelé que les données personnelles éventuellement traitées le sont dans le respect de la réglementation.",
    "La commission des finances a examiné le présent projet lors de sa dernière réunion.",
]
RECOURS = ("Le Président certifie sous sa responsabilité le caractère exécutoire de cet acte qui pourra faire "
           "l'objet d'un recours pour excès de pouvoir devant le tribunal administratif de Paris dans un délai de "
           "deux mois à compter de sa transmission au représentant de l'État et de sa publication.")


# ================================================================================ the facts
class Person(BaseModel):
    name: str  # « Prénom NOM »
    feminine: bool
    title: str = ""  # « Vice-présidente »…

    @property
    def surname(self) -> str:
        return self.name.split(" ", 1)[1]


class Seance(BaseModel):
    organ: Organ
    date: dt.date
    convocation: dt.date
    president: Person
    secretary: str
    councillors: int
    present: int
    references: list[str] = Field(default_factory=list)


class Vote(BaseModel):
    unanimous: bool
    pour: int | None = None
    contre: int | None = None
    abstentions: int | None = None
    text: str = ""  # the vote line as written


class RuleFact(BaseModel):
    """One concrete value of an article (a duration, an amount, a deadline) and where it is written."""

    key: str
    article: int
    heading: str
    value: str
    variants: list[str]
    passage: str


class Act(BaseModel):
    file: str
    format: Literal["pdf", "docx"]
    kind: ActKind
    title: str
    reference: str | None = None
    organ: Organ | None = None
    seance_date: dt.date | None = None
    convocation_date: dt.date | None = None
    president: str | None = None
    secretary: str | None = None
    councillors: int | None = None
    present: int | None = None
    track: str | None = None
    fund: str | None = None
    beneficiaries: list[str] = Field(default_factory=list)
    """The communes and EPT the act lists (for a second wave: those it adds)."""
    beneficiaries_total: int | None = None
    """For a second wave: the track's beneficiaries once those are added."""
    related: str | None = None
    """The act this one follows or annexes (a wave's opening act, a règlement's approving act)."""
    commune: str | None = None
    project: str | None = None
    amount: int | None = None
    appointee: str | None = None
    organism: str | None = None
    vote: Vote | None = None
    rules: list[RuleFact] = Field(default_factory=list)
    pages: int | None = None
    passages: dict[str, str] = Field(default_factory=dict)
    """Verbatim excerpts of the document's text (key → passage), the sources of the questions."""


class Archive(BaseModel):
    generator: str = GENERATOR_VERSION
    seed: int
    years: list[int]
    seances: list[Seance]
    acts: list[Act]
    tracks: list[str]
    funds: list[str]
    absent_tracks: list[str]
    """Track names of the pool that no document mentions."""
    absent_subjects: list[str]
    mentioned_dates: list[dt.date]
    """Every « 12 mars 2024 » written in some document (séances, convocations, requests…)."""
    mentioned_references: list[str]

    def act(self, reference_or_file: str) -> Act:
        return next(a for a in self.acts if reference_or_file in (a.reference, a.file))


# ============================================================================== documents
Block = tuple[str, str]  # (style, text): warn, center, center_bold, title, label, bold, p, heading, bullet, right, small


class _Doc:
    """The text blocks of one document and the verbatim passages picked from them."""

    def __init__(self) -> None:
        self.blocks: list[Block] = [("warn", SYNTH)]
        self.passages: dict[str, str] = {}

    def add(self, style: str, text: str, **passages: str) -> None:
        for key, passage in passages.items():
            assert passage in text, (key, passage, text)
            self.passages[key] = passage
        self.blocks.append((style, text))

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.blocks)


def _fonts():
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"  # Bitstream Vera: embedded TrueType, French extracts as text
    return {"": folder / "Vera.ttf", "B": folder / "VeraBd.ttf", "I": folder / "VeraIt.ttf"}


_PDF_STYLES = {
    "warn": ("I", 8, 4.5, "L"), "center": ("", 10, 5.5, "C"), "center_bold": ("B", 11, 6, "C"),
    "title": ("B", 10.5, 5.5, "L"), "label": ("", 10, 5.2, "L"), "bold": ("B", 10, 5.2, "L"),
    "p": ("", 10, 5.2, "J"), "heading": ("B", 10.5, 6, "L"), "bullet": ("", 10, 5.2, "L"),
    "right": ("", 10, 5.2, "R"), "small": ("I", 8.5, 4.5, "J"),
}


def _write_pdf(path: Path, blocks: list[Block], *, title: str, footer: str, category: str) -> int:
    """fpdf2 with an embedded Unicode font; the footer « … — page n/N » is a running line the loader drops."""
    from fpdf import FPDF

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("Vera", "I", 7.5)
            self.cell(0, 5, f"{footer} — page {self.page_no()}/{{nb}}", align="C")

    pdf = _Pdf(format="A4")
    pdf.set_creation_date(FIXED_DATE.replace(tzinfo=dt.timezone.utc))
    pdf.set_title(title)
    pdf.set_subject(SYNTH_META)
    pdf.set_keywords(f"SYNTHÉTIQUE, fictif, banc d'essai, {category}")
    pdf.set_author("Banc d'essai de l'assistant (document synthétique)")
    pdf.set_creator("evals/archive.py")
    for style, file in _fonts().items():
        pdf.add_font("Vera", style, str(file))
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    for style, text in blocks:
        font, size, height, align = _PDF_STYLES[style]
        if style in ("heading", "title", "center_bold"):
            pdf.ln(1.5)
        pdf.set_font("Vera", font, size)
        body = f"• {text}" if style == "bullet" else text
        pdf.multi_cell(0, height, body, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.2)
    pdf.output(str(path))
    return pdf.page_no()


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a ZIP (DOCX) with fixed timestamps, so the bytes do not depend on the clock (also used
    by evals/corpora/multi/build.py)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 12, 15, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _write_docx(path: Path, blocks: list[Block], *, title: str, category: str) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    for style, text in blocks:
        if style == "heading":
            document.add_heading(text, level=1)
            continue
        paragraph = document.add_paragraph(style="List Bullet" if style == "bullet" else None)
        run = paragraph.add_run(text)
        run.bold = style in ("center_bold", "title", "bold")
        run.italic = style in ("warn", "small")
        if style in ("warn", "small"):
            run.font.size = Pt(8.5)
        if style.startswith("center"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    props = document.core_properties
    props.title = title
    props.subject = SYNTH_META
    props.comments = SYNTH_META
    props.keywords = f"SYNTHÉTIQUE; fictif; banc d'essai; {category}"
    props.author = "Banc d'essai de l'assistant (document synthétique)"
    props.last_modified_by = props.author
    props.category = category
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue()))


# ================================================================================ planning
class _Planner:
    """Draws the facts (séances, acts, tracks, values) from one seeded generator, in a fixed order."""

    def __init__(self, acts: int, seed: int) -> None:
        if acts < 12:
            raise ValueError("une archive compte au moins 12 actes")
        self.rng = random.Random(f"mgp-archive-{seed}")
        self.seed = seed
        self.total = acts
        n_years = max(1, round(acts / ACTS_PER_YEAR))
        self.years = list(range(LAST_YEAR - n_years + 1, LAST_YEAR + 1))
        communes = list(metropole_communes())
        epts = sorted(ept_members()[1])
        self.communes = communes
        self.ept_of = {c: ept for ept, members in ept_members()[1].items() for c in members}
        self.eligible = [c for c in communes if c != "Paris"] + [f"{e} (EPT)" for e in epts]
        self.used_names: set[str] = set()

    # ------------------------------------------------------------------------------ people
    def person(self, feminine: bool | None = None) -> Person:
        while True:
            fem = self.rng.random() < 0.5 if feminine is None else feminine
            name = f"{self.rng.choice(FIRST_F if fem else FIRST_M)} {self.rng.choice(SURNAMES)}"
            surname = name.split(" ", 1)[1]
            if surname not in self.used_names:
                self.used_names.add(surname)
                return Person(name=name, feminine=fem)

    def cast(self) -> None:
        """Officers who preside (the Métropole's president and vice-presidents), secretaries, appointees."""
        officials = [self.person() for _ in range(12)]
        for i, p in enumerate(officials):
            e = "e" if p.feminine else ""
            p.title = (f"Président{e}" if i == 0 else
                       ("Première vice-présidente" if p.feminine else "Premier vice-président") if i == 1 else
                       f"Vice-président{e}")
        self.officials = officials
        self.secretaries = [self.person().name for _ in range(16)]
        self.councillors = [self.person() for _ in range(40)]
        # Several presiding officers per year, the president always among them.
        self.presiding = {y: [officials[0], *self.rng.sample(officials[1:], 4)] for y in self.years}

    # ---------------------------------------------------------------------------- calendar
    def _weekday(self, d: dt.date) -> dt.date:
        while d.weekday() >= 5:
            d -= dt.timedelta(days=1)
        return d

    def seances(self, deliberations: int) -> list[Seance]:
        """Bureau and Conseil séances over the years, on real weekdays, 1–30 acts each (some a single act)."""
        count = max(4, -(-deliberations // 15))
        per_year = [count // len(self.years) + (1 if i < count % len(self.years) else 0) for i in range(len(self.years))]
        taken: set[dt.date] = set(RESERVED_DATES)
        out: list[Seance] = []
        for year, n in zip(self.years, per_year):
            days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
            days = [d for d in days if d.weekday() < 5 and d.month != 8 and not (d.month == 12 and d.day > 20)
                    and not (d.month == 1 and d.day < 8) and d not in taken]
            for d in sorted(self.rng.sample(days, n)):
                taken.add(d)
                organ: Organ = "CM" if self.rng.random() < 0.4 else "BM"
                conv = self._weekday(d - dt.timedelta(days=self.rng.randint(6, 9)))
                president = self.rng.choice(self.presiding[year])
                councillors = (self.rng.randint(206, 209) if organ == "CM" else self.rng.randint(41, 46))
                present = (self.rng.randint(118, 192) if organ == "CM" else self.rng.randint(26, councillors - 2))
                out.append(Seance(organ=organ, date=d, convocation=conv, president=president,
                                  secretary=self.rng.choice(self.secretaries), councillors=councillors, present=present))
        return out

    def sizes(self, n_seances: int, deliberations: int) -> list[int]:
        """Acts per séance: about a fifth of the séances have one act, the others share the rest (≤ 30)."""
        singles = set(self.rng.sample(range(n_seances), max(1, n_seances // 5)))
        sizes = [1] * n_seances
        others = [i for i in range(n_seances) if i not in singles]
        left = deliberations - n_seances
        weights = {i: self.rng.uniform(0.3, 1.7) for i in others}
        while left > 0:
            open_ = [i for i in others if sizes[i] < 30] or [i for i in range(n_seances) if sizes[i] < 30]
            i = self.rng.choices(open_, weights=[weights.get(j, 0.2) for j in open_])[0]
            sizes[i] += 1
            left -= 1
        return sizes

    # ------------------------------------------------------------------------------- votes
    def vote(self, seance: Seance) -> Vote:
        if self.rng.random() < 0.62:
            text = self.rng.choice(["ADOPTÉ À L'UNANIMITÉ DES SUFFRAGES EXPRIMÉS",
                                    "DÉLIBÉRATION ADOPTÉE À L'UNANIMITÉ DES MEMBRES PRÉSENTS OU REPRÉSENTÉS"])
            return Vote(unanimous=True, text=text)
        scale = 4 if seance.organ == "CM" else 1
        contre = self.rng.randint(0, 6 * scale)
        abstentions = self.rng.randint(0 if contre else 1, 5 * scale)
        pour = seance.present - contre - abstentions
        return Vote(unanimous=False, pour=pour, contre=contre, abstentions=abstentions,
                    text=f"Pour : {pour} — Contre : {contre} — Abstentions : {abstentions}")


def _window(names: list[str], i: int) -> str:
    """« A, X, B »: the name with its neighbours, as the list writes them (a short passage inside one chunk)."""
    lo, hi = max(0, i - 1), min(len(names), i + 2)
    return ", ".join(names[lo:hi])


def _list_text(names: list[str]) -> str:
    return ", ".join(names) + "."


# ============================================================================= act writers
class _Writer:
    """Composes the text of each act from its facts and writes its file."""

    def __init__(self, planner: _Planner, archive_acts: list[Act]) -> None:
        self.p = planner
        self.rng = random.Random(f"mgp-archive-text-{planner.seed}")
        self.acts = archive_acts
        self.by_ref = {a.reference: a for a in archive_acts if a.reference}

    # ------------------------------------------------------------------------------ header
    def header(self, doc: _Doc, act: Act, seance: Seance, *, upper_labels: bool) -> None:
        organ = "BUREAU" if seance.organ == "BM" else "CONSEIL"
        day = f"{WEEKDAYS_FR[seance.date.weekday()]} {date_fr(seance.date)}".upper()
        pres = seance.president
        doc.add("center", "RÉPUBLIQUE FRANÇAISE")
        doc.add("center", "MÉTROPOLE DU GRAND PARIS")
        doc.add("center_bold", f"SÉANCE DU {organ} DE LA MÉTROPOLE DU GRAND PARIS")
        doc.add("center_bold", f"DU {day}", date=f"DU {day}")
        head = f"{act.reference} : {act.title}"
        doc.add("title", head, reference=" ".join(head.split()[:6]))
        label = "PRÉSIDENTE DE SÉANCE" if pres.feminine else "PRÉSIDENT DE SÉANCE"
        if upper_labels:
            doc.add("label", f"DATE DE LA CONVOCATION : {date_fr(seance.convocation)}")
            doc.add("label", f"NOMBRE DE CONSEILLERS EN EXERCICE : {seance.councillors}",
                    councillors=f"NOMBRE DE CONSEILLERS EN EXERCICE : {seance.councillors}")
            doc.add("label", f"NOMBRE DE MEMBRES PRÉSENTS OU REPRÉSENTÉS : {seance.present}")
            doc.add("label", f"{label} : {pres.name}, {pres.title}", president=f"{label} : {pres.name}")
            doc.add("label", f"SECRÉTAIRE DE SÉANCE : {seance.secretary}",
                    secretary=f"SECRÉTAIRE DE SÉANCE : {seance.secretary}")
        else:
            doc.add("label", f"Date d'envoi de la convocation : {date_fr(seance.convocation)}")
            doc.add("label", f"Nombre de conseillers en exercice : {seance.councillors}",
                    councillors=f"Nombre de conseillers en exercice : {seance.councillors}")
            doc.add("label", f"Membres présents ou représentés : {seance.present}")
            label = "Présidente de séance" if pres.feminine else "Président de séance"
            doc.add("label", f"{label} : {pres.name}, {pres.title.lower()}", president=f"{label} : {pres.name}")
            doc.add("label", f"Secrétaire de séance : {seance.secretary}",
                    secretary=f"Secrétaire de séance : {seance.secretary}")
        doc.add("bold", f"LE {organ} DE LA MÉTROPOLE DU GRAND PARIS,")

    def common_visas(self, doc: _Doc, seance: Seance) -> None:
        doc.add("p", "Vu le code général des collectivités territoriales, et notamment ses articles L.5211-10 et L.5219-1,")
        if self.rng.random() < 0.5:
            doc.add("p", "Vu la loi n°2014-58 du 27 janvier 2014 de modernisation de l'action publique territoriale "
                         "et d'affirmation des métropoles,")
        if seance.organ == "BM":
            doc.add("p", "Vu la délibération du Conseil de la Métropole portant délégation d'attributions au Bureau,")

    def expose(self, doc: _Doc, chance: float = 0.4) -> None:
        if self.rng.random() < chance:
            doc.add("heading", "EXPOSÉ DES MOTIFS")
            for sentence in self.rng.sample(EXPOSE_SENTENCES, self.rng.randint(2, 5)):
                doc.add("p", sentence)

    def closing(self, doc: _Doc, act: Act, seance: Seance) -> None:
        vote = act.vote
        assert vote is not None
        if not vote.unanimous:
            doc.add("bold", "ADOPTÉ À LA MAJORITÉ DES SUFFRAGES EXPRIMÉS")
        doc.add("bold", vote.text, vote=vote.text)
        pres = seance.president
        if pres.title.startswith("Président"):
            doc.add("right", f"{'La Présidente' if pres.feminine else 'Le Président'} de la Métropole du Grand Paris")
        else:
            doc.add("right", "Pour le Président de la Métropole du Grand Paris, et par délégation,")
            doc.add("right", pres.title)
        doc.add("right", pres.name)
        doc.add("small", RECOURS)

    # ------------------------------------------------------------------------- deliberations
    def deliberation(self, act: Act, seance: Seance) -> _Doc:
        doc = _Doc()
        self.header(doc, act, seance, upper_labels=(seance.date.year + (seance.organ == "CM")) % 3 != 0)
        getattr(self, f"body_{act.kind}")(doc, act, seance)
        self.closing(doc, act, seance)
        return doc

    def body_track_opening(self, doc: _Doc, act: Act, seance: Seance) -> None:
        track = act.track
        self.common_visas(doc, seance)
        doc.add("p", "Vu la délibération portant lancement du programme « Appropriation Métropolitaine » de "
                     "formation-expérimentation de solutions d'intelligence artificielle,")
        doc.add("p", f"Vu l'avis du comité d'examen réuni le {date_fr(self.p._weekday(act.convocation_date - dt.timedelta(days=14)))},")
        self.expose(doc)
        doc.add("p", f"Considérant l'intérêt d'ouvrir, au titre du programme, un parcours consacré {to_theme(TRACK_THEMES[track])},")
        n_cand = len(act.beneficiaries) + self.rng.randint(2, 14)
        doc.add("p", f"Considérant que {number_fr(n_cand, True)} candidatures ont été déposées et que le comité "
                     f"d'examen a émis un avis favorable sur {number_fr(len(act.beneficiaries), True)} d'entre elles,")
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        doc.add("p", f"DÉCIDE d'ouvrir le parcours « {track} » du programme « Appropriation Métropolitaine ».",
                opening=f"DÉCIDE d'ouvrir le parcours « {track} »")
        n = number_fr(len(act.beneficiaries))
        intro = (f"APPROUVE la liste des communes et établissements publics territoriaux bénéficiaires du parcours "
                 f"« {track} », au nombre de {n}, à savoir :")
        doc.add("p", intro, list_intro=intro[:60].rsplit(" ", 1)[0], count=f"au nombre de {n}")
        names = act.beneficiaries
        doc.add("p", _list_text(names), **{f"member:{x}": _window(names, i) for i, x in enumerate(names)})
        doc.add("p", f"APPROUVE le règlement du parcours « {track} » et le modèle de convention d'engagement "
                     "correspondant, annexés à la présente délibération.")
        doc.add("p", "AUTORISE le Président ou son représentant à signer les conventions d'engagement avec chacun "
                     "des bénéficiaires et à prendre toute mesure afférente à l'exécution de la présente délibération.")
        if self.rng.random() < 0.5:
            self.projects_annex(doc, names)

    def projects_annex(self, doc: _Doc, names: list[str]) -> None:
        """One line per beneficiary (long lists make acts of several pages, as real annexes do)."""
        doc.add("heading", "ANNEXE : PROJETS PRÉSENTÉS PAR LES BÉNÉFICIAIRES")
        services = ["direction des services techniques", "direction du numérique", "direction générale des services",
                    "direction de l'éducation", "direction de l'urbanisme", "direction des finances",
                    "direction de la relation aux usagers", "direction de l'environnement"]
        for name in names:
            sites = self.rng.randint(1, 5)
            doc.add("bullet", f"{name} : expérimentation sur {number_fr(sites)} site{'s' if sites > 1 else ''}, "
                              f"pilotée par la {self.rng.choice(services)} ; calendrier prévisionnel de "
                              f"{number_fr(self.rng.choice([6, 9, 12]))} mois.")

    def body_track_wave(self, doc: _Doc, act: Act, seance: Seance) -> None:
        track, first = act.track, act.related
        self.common_visas(doc, seance)
        doc.add("p", f"Vu la délibération {first} ouvrant le parcours « {track} » et désignant ses premiers bénéficiaires,")
        doc.add("p", f"Vu le règlement du parcours « {track} »,")
        doc.add("p", "Considérant qu'un second appel à candidatures a été publié afin de compléter la liste des bénéficiaires,")
        self.expose(doc, 0.3)
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        n = number_fr(len(act.beneficiaries))
        intro = (f"APPROUVE l'ajout à la liste des bénéficiaires du parcours « {track} », fixée par la délibération "
                 f"{first}, des {n} communes et établissements publics territoriaux suivants :")
        doc.add("p", intro, list_intro=f"APPROUVE l'ajout à la liste des bénéficiaires du parcours « {track} »",
                count=f"des {n} communes et établissements publics territoriaux suivants")
        names = act.beneficiaries
        doc.add("p", _list_text(names), **{f"member:{x}": _window(names, i) for i, x in enumerate(names)})
        total = number_fr(act.beneficiaries_total)
        doc.add("p", f"PRÉCISE que le parcours « {track} » compte désormais {total} bénéficiaires.",
                total=f"compte désormais {total} bénéficiaires")
        doc.add("p", "AUTORISE le Président ou son représentant à signer les conventions d'engagement avec les "
                     "nouveaux bénéficiaires.")

    def body_subsidy(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        if act.fund:
            approving = next(a for a in self.acts if a.kind == "fund_creation" and a.fund == act.fund)
            doc.add("p", f"Vu le règlement du {act.fund} approuvé par la délibération {approving.reference},")
        request = act.convocation_date - dt.timedelta(days=self.rng.randint(30, 120))
        doc.add("p", f"Vu la demande de subvention présentée par la commune de {act.commune} le {date_fr(request)},")
        self.expose(doc, 0.35)
        cost = act.amount * self.rng.choice([2, 3, 4, 5])
        doc.add("p", f"Considérant que le projet de la commune de {act.commune}, relatif à {act.project}, d'un coût "
                     f"prévisionnel de {euros(cost)} HT, répond aux objectifs de la Métropole,")
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        grant = f"ATTRIBUE une subvention de {euros(act.amount)} à la commune de {act.commune}"
        doc.add("p", f"{grant} pour {act.project}" + (f", au titre du {act.fund}." if act.fund else "."), amount=grant)
        doc.add("p", f"PRÉCISE que les crédits correspondants sont inscrits au budget principal de l'exercice "
                     f"{act.seance_date.year}, chapitre 204.")
        doc.add("p", "AUTORISE le Président ou son représentant à signer la convention de financement correspondante.")
        if self.rng.random() < 0.3:
            doc.add("heading", "ANNEXE : PLAN DE FINANCEMENT PRÉVISIONNEL")
            own = cost - act.amount
            other = (own // 3) // 100 * 100
            doc.add("bullet", f"Métropole du Grand Paris : {euros(act.amount)}")
            doc.add("bullet", f"Autres financements publics : {euros(other)}")
            doc.add("bullet", f"Commune de {act.commune} (autofinancement) : {euros(own - other)}")
            doc.add("bullet", f"Coût total prévisionnel : {euros(cost)} HT")

    def body_convention(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        self.expose(doc, 0.4)
        partner = (f"l'établissement public territorial {act.commune.removesuffix(' (EPT)')}"
                   if act.commune.endswith("(EPT)") else f"la commune de {act.commune}")
        doc.add("p", f"Considérant l'intérêt d'un partenariat avec {partner} pour {act.project},")
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        years = self.rng.choice([1, 2, 3, 4])
        doc.add("p", f"APPROUVE la convention de partenariat entre la Métropole du Grand Paris et {partner} relative à "
                     f"{act.project}, conclue pour une durée {of(number_fr(years) + (' ans' if years > 1 else ' an'))}.")
        doc.add("p", "AUTORISE le Président ou son représentant à signer ladite convention et ses éventuels avenants.")
        doc.add("p", "DIT que la présente convention n'emporte aucun flux financier entre les parties.")

    def body_appointment(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        doc.add("p", "Vu les statuts de l'organisme concerné,")
        doc.add("p", "Considérant qu'il y a lieu de pourvoir au remplacement du représentant de la Métropole,")
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        appointee = next(c for c in self.p.councillors if c.name == act.appointee)
        civ = "Mme" if appointee.feminine else "M."
        designate = f"DÉSIGNE {civ} {appointee.name}"
        doc.add("p", f"{designate} pour représenter la Métropole du Grand Paris {act.organism}.", appointee=designate)
        doc.add("p", "DIT que cette désignation vaut pour la durée du mandat restant à courir.")

    def body_budget(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        doc.add("p", "Vu l'instruction budgétaire et comptable M57,")
        self.expose(doc, 0.6)
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        doc.add("p", f"APPROUVE {act.project}, qui s'équilibre en dépenses et en recettes à la somme de {euros(act.amount)}.")
        if self.rng.random() < 0.35:
            doc.add("heading", "ANNEXE : ÉTAT DES AUTORISATIONS DE PROGRAMME")
            for k in range(self.rng.randint(25, 60)):
                commune = self.rng.choice(self.p.communes)
                total = self.rng.randint(10, 900) * 1000
                doc.add("bullet", f"AP {act.seance_date.year}-{k + 1:03d} – opération d'investissement à {commune} : "
                                  f"autorisation de {euros(total)}, crédits de paiement {act.seance_date.year} de "
                                  f"{euros(total // self.rng.randint(2, 5) // 1000 * 1000)}")
        doc.add("heading", "ANNEXE : DÉTAIL PAR CHAPITRE")
        chapters = ["011 – Charges à caractère général", "012 – Charges de personnel", "65 – Autres charges de gestion courante",
                    "204 – Subventions d'équipement versées", "20 – Immobilisations incorporelles", "21 – Immobilisations corporelles",
                    "23 – Immobilisations en cours", "73 – Impôts et taxes", "74 – Dotations et participations"]
        for chapter in self.rng.sample(chapters, self.rng.randint(4, 9)):
            sign = self.rng.choice(["+", "-"])
            doc.add("bullet", f"Chapitre {chapter} : {sign} {euros(self.rng.randint(5, 900) * 1000)}")

    def body_staff(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        doc.add("p", "Vu le code général de la fonction publique,")
        doc.add("p", "Vu l'avis du comité social territorial,")
        self.expose(doc, 0.3)
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        jobs = self.rng.sample(JOBS, self.rng.randint(1, 4))
        doc.add("p", f"DÉCIDE la création de {number_fr(len(jobs))} emploi{'s' if len(jobs) > 1 else ''} permanent"
                     f"{'s' if len(jobs) > 1 else ''} à temps complet :")
        for job in jobs:
            doc.add("bullet", f"un emploi d'{job}" if job[0] in "aeiou" else f"un emploi de {job}")
        doc.add("p", "MODIFIE en conséquence le tableau des effectifs de la Métropole.")
        doc.add("p", f"PRÉCISE que les crédits sont inscrits au chapitre 012 du budget de l'exercice {act.seance_date.year}.")

    def body_procurement(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        doc.add("p", "Vu le code de la commande publique,")
        self.expose(doc, 0.4)
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        years = self.rng.choice([2, 3, 4])
        doc.add("p", f"AUTORISE le Président à signer l'accord-cadre relatif à {act.project}, pour une durée de "
                     f"{number_fr(years)} ans et un montant maximum de {euros(act.amount)} HT.")
        if self.rng.random() < 0.4:
            members = self.rng.sample(self.p.communes, 3)
            doc.add("p", f"APPROUVE la convention constitutive du groupement de commandes avec les communes de "
                         f"{members[0]}, {members[1]} et {members[2]}.")

    def body_membership_fee(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        doc.add("p", f"Vu les statuts de l'association {act.organism},")
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        doc.add("p", f"APPROUVE l'adhésion de la Métropole du Grand Paris à l'association {act.organism}.")
        doc.add("p", f"DÉCIDE le versement d'une cotisation annuelle de {euros(act.amount)} pour l'exercice "
                     f"{act.seance_date.year}.")

    def body_fund_creation(self, doc: _Doc, act: Act, seance: Seance) -> None:
        self.common_visas(doc, seance)
        self.expose(doc, 0.7)
        doc.add("bold", "APRÈS EN AVOIR DÉLIBÉRÉ,")
        doc.add("p", f"DÉCIDE de créer le {act.fund}.")
        doc.add("p", f"APPROUVE le règlement du {act.fund}, annexé à la présente délibération.",
                approves=f"APPROUVE le règlement du {act.fund}")
        doc.add("p", f"FIXE l'enveloppe annuelle du fonds à {euros(act.amount)}.")

    # ---------------------------------------------------------------------- rules documents
    def rules_document(self, act: Act, articles: list[tuple[str, list[str]]]) -> _Doc:
        doc = _Doc()
        approving = self.by_ref[act.related]
        doc.add("center", "MÉTROPOLE DU GRAND PARIS")
        subject = f"parcours « {act.track} »" if act.track else act.fund
        if act.kind == "reglement":
            doc.add("center_bold", f"RÈGLEMENT DU {subject.upper()}")
        else:
            what = "D'ENGAGEMENT" if act.track else "DE FINANCEMENT"
            doc.add("center_bold", f"MODÈLE DE CONVENTION {what} — {subject.upper()}")
        doc.add("center", f"Annexe à la délibération {approving.reference} du {date_fr(approving.seance_date)}")
        for number, (heading, paragraphs) in enumerate(articles, start=1):
            doc.add("heading", f"Article {number} – {heading}")
            for paragraph in paragraphs:
                doc.add("p", paragraph, **{f"rule:{f.key}": f.passage for f in act.rules
                                           if f.article == number and f.passage in paragraph})
        if act.kind == "convention_model":
            doc.add("p", "Fait à Paris, le [•], en deux exemplaires originaux.")
        return doc


# Values of the articles: every règlement and model draws its own (the archive's facts, all invented).
def _rule_values(rng: random.Random, kind: str, track: bool) -> dict[str, int | str]:
    if kind == "reglement" and track:
        return {"candidature": rng.choice([21, 30, 45, 60]), "max": rng.choice([20, 25, 30, 35, 40]),
                "note": rng.choice([50, 55, 60, 65, 70]), "duree": rng.choice([12, 18, 24, 30, 36]),
                "formation": rng.randint(2, 6), "plafond": rng.choice([10_000, 15_000, 20_000, 25_000, 30_000]),
                "rapport": rng.choice([3, 4, 6, 9]), "retrait": rng.choice([15, 30, 60])}
    if kind == "convention_model" and track:
        return {"referent": rng.choice([10, 15, 20, 30]), "comite": rng.choice([2, 3, 4, 6]),
                "communication": rng.choice([5, 10, 15]), "resiliation": rng.choice([1, 2, 3]),
                "litiges": rng.choice([30, 45, 60])}
    if kind == "reglement":
        return {"taux": rng.choice([30, 40, 50, 60, 70, 80]), "plafond": rng.choice([100_000, 150_000, 200_000, 300_000, 500_000]),
                "depot": rng.choice(["31 janvier", "31 mars", "30 avril", "30 juin", "30 septembre"]),
                "commencement": rng.choice([6, 9, 12, 18]), "acompte": rng.choice([20, 30, 40, 50]),
                "caducite": rng.choice([2, 3])}
    return {"justificatifs": rng.choice([3, 6, 9]), "validite": rng.choice([2, 3, 4]),
            "achevement": rng.choice([18, 24, 36])}


def _months(n: int) -> tuple[str, list[str]]:
    text = f"{number_fr(n)} mois"
    extra = {12: ["un an"], 24: ["deux ans"], 36: ["trois ans"]}.get(n, [])
    return text, [text, f"{n} mois", *extra]


def _days(n: int, unit: str = "jours") -> tuple[str, list[str]]:
    text = f"{number_fr(n)} {unit}"
    return text, [text, f"{n} {unit}"]


def _years(n: int) -> tuple[str, list[str]]:
    text = f"{number_fr(n)} ans"
    return text, [text, f"{n} ans"]


def _rules_for(act: Act, values: dict) -> tuple[list[tuple[str, list[str]]], list[RuleFact]]:
    """The articles of a règlement or a model, and the facts (one per article that holds a value)."""
    articles: list[tuple[str, list[str]]] = []
    facts: list[RuleFact] = []

    def article(heading: str, paragraphs: list[str], key: str | None = None, value: str = "",
                variants: list[str] | None = None, passage: str = "") -> None:
        articles.append((heading, paragraphs))
        if key:
            assert any(passage in p for p in paragraphs) and value in passage, (key, passage)
            facts.append(RuleFact(key=key, article=len(articles), heading=heading, value=value,
                                  variants=variants or [value], passage=passage))

    v = values
    if act.kind == "reglement" and act.track:
        t = act.track
        article("Objet", [f"Le présent règlement fixe les conditions de participation au parcours « {t} » du "
                          f"programme « Appropriation Métropolitaine », consacré {to_theme(TRACK_THEMES[t])}."])
        article("Bénéficiaires éligibles", ["Peuvent candidater les communes membres de la Métropole du Grand Paris "
                                            "et les établissements publics territoriaux."])
        d, dv = _days(v["candidature"])
        article("Appel à candidatures", [f"Les candidatures sont déposées dans un délai de {d} à compter de la "
                                         "publication de l'appel à candidatures sur le site de la Métropole."],
                "candidature", d, dv, f"dans un délai de {d} à compter de la publication")
        n = number_fr(v["max"])
        article("Sélection", [f"Le comité d'examen retient au plus {n} bénéficiaires. Seules les candidatures ayant "
                              f"obtenu une note d'au moins {v['note']} points sur 100 peuvent être retenues."],
                "max", n, [n, str(v["max"])], f"Le comité d'examen retient au plus {n} bénéficiaires")
        m, mv = _months(v["duree"])
        article("Durée", [f"Le parcours a une durée de {m} à compter de la signature de la convention d'engagement."],
                "duree", m, mv, f"Le parcours a une durée de {m}")
        f_, fv = _days(v["formation"], "journées")
        article("Formation", [f"La Métropole organise {f_} de formation destinées aux agents et aux élus des bénéficiaires."],
                "formation", f_, [*fv, f"{number_fr(v['formation'])} jours", f"{v['formation']} jours"],
                f"La Métropole organise {f_} de formation")
        p = euros(v["plafond"])
        article("Engagements financiers", [f"La Métropole prend en charge le coût de la solution expérimentée dans la "
                                           f"limite de {p} par bénéficiaire. Aucune participation n'est demandée aux bénéficiaires."],
                "plafond", p, amount_variants(v["plafond"]), f"dans la limite de {p} par bénéficiaire")
        o = _ORDINALS[v["rapport"]]
        article("Suivi", [f"Chaque bénéficiaire remet un rapport d'étape au terme du {o} mois de l'expérimentation."],
                "rapport", f"{o} mois", [f"{o} mois", f"{v['rapport']}e mois", f"{v['rapport']} mois"],
                f"un rapport d'étape au terme du {o} mois")
        article("Données personnelles", ["Les données à caractère personnel sont traitées dans le respect du règlement "
                                         "général sur la protection des données ; aucune donnée n'est cédée à des tiers."])
        r, rv = _days(v["retrait"])
        article("Retrait", [f"Un bénéficiaire peut se retirer du parcours en informant la Métropole au moins {r} avant "
                            "la date de retrait souhaitée."], "retrait", r, rv, f"au moins {r} avant")
        article("Entrée en vigueur", [f"Le présent règlement est approuvé par la délibération {act.related}. Il entre en "
                                      "vigueur à la date de sa publication."])
    elif act.kind == "convention_model" and act.track:
        t = act.track
        article("Objet", [f"La présente convention définit les engagements réciproques des parties pour la "
                          f"participation du bénéficiaire au parcours « {t} »."])
        article("Durée", ["La convention prend effet à sa signature par la dernière des parties et prend fin au terme "
                          "du parcours défini par son règlement."])
        article("Engagements de la Métropole", ["La Métropole organise les journées de formation prévues par le "
                                                "règlement et met gratuitement la solution à disposition du bénéficiaire."])
        d, dv = _days(v["referent"])
        c, cv = _months(v["comite"])
        article("Engagements du bénéficiaire", [f"Le bénéficiaire désigne un agent référent dans un délai de {d} suivant "
                                                "la signature de la présente convention.",
                                                f"Il participe au comité de suivi, qui se réunit au moins une fois tous les {c}."],
                "referent", d, dv, f"désigne un agent référent dans un délai de {d}")
        facts.append(RuleFact(key="comite", article=len(articles), heading="Engagements du bénéficiaire", value=c,
                              variants=cv, passage=f"se réunit au moins une fois tous les {c}"))
        j, jv = _days(v["communication"], "jours ouvrés")
        article("Communication", ["Toute action de communication mentionne le soutien de la Métropole du Grand Paris. "
                                  f"Un communiqué est soumis à l'accord préalable de l'autre partie, qui dispose de {j} "
                                  "pour se prononcer."], "communication", j, jv, f"qui dispose de {j}")
        r, rv = _months(v["resiliation"])
        article("Résiliation", ["Chacune des parties peut résilier la présente convention par lettre recommandée avec "
                                f"accusé de réception, moyennant un préavis {of(r)}."],
                "resiliation", r, rv, f"moyennant un préavis {of(r)}")
        l_, lv = _days(v["litiges"])
        article("Litiges", ["Les parties s'efforcent de régler à l'amiable tout différend dans un délai de "
                            f"{l_}. À défaut, le litige est porté devant le tribunal administratif de Paris."],
                "litiges", l_, lv, f"régler à l'amiable tout différend dans un délai de {l_}")
    elif act.kind == "reglement":
        fund = act.fund
        article("Objet", [f"Le {fund} soutient les projets d'investissement des communes membres de la Métropole."])
        article("Bénéficiaires", ["Sont éligibles les communes membres de la Métropole du Grand Paris."])
        article("Dépenses éligibles", ["Sont éligibles les dépenses d'investissement, hors frais d'études préalables."])
        article("Taux de subvention", [f"La subvention ne peut excéder {v['taux']} % du coût hors taxes du projet."],
                "taux", f"{v['taux']} %", [f"{v['taux']} %", f"{v['taux']}%", f"{v['taux']} pour cent"],
                f"ne peut excéder {v['taux']} % du coût hors taxes")
        p = euros(v["plafond"])
        article("Plafond", [f"Le montant de la subvention est plafonné à {p} par projet."],
                "plafond", p, amount_variants(v["plafond"]), f"plafonné à {p} par projet")
        article("Dépôt des dossiers", [f"Les dossiers de demande sont déposés au plus tard le {v['depot']} de chaque année."],
                "depot", str(v["depot"]), [str(v["depot"])], f"au plus tard le {v['depot']} de chaque année")
        m, mv = _months(v["commencement"])
        article("Commencement des travaux", [f"Les travaux doivent commencer dans un délai de {m} à compter de la "
                                             "notification de la subvention."],
                "commencement", m, mv, f"commencer dans un délai de {m}")
        article("Versement", [f"Un acompte de {v['acompte']} % peut être versé au démarrage des travaux ; le solde est "
                              "versé sur présentation des justificatifs."],
                "acompte", f"{v['acompte']} %", [f"{v['acompte']} %", f"{v['acompte']}%"], f"Un acompte de {v['acompte']} %")
        y, yv = _years(v["caducite"])
        article("Caducité", [f"La subvention devient caduque si le projet n'est pas achevé dans un délai de {y}."],
                "caducite", y, yv, f"n'est pas achevé dans un délai de {y}")
        article("Entrée en vigueur", [f"Le présent règlement est approuvé par la délibération {act.related}."])
    else:
        fund = act.fund
        article("Objet", [f"La présente convention fixe les conditions de versement de la subvention attribuée au titre du {fund}."])
        y, yv = _years(v["validite"])
        article("Durée", [f"La convention est conclue pour une durée de {y} à compter de sa notification."],
                "validite", y, yv, f"conclue pour une durée de {y}")
        m, mv = _months(v["justificatifs"])
        article("Justificatifs", [f"Le bénéficiaire transmet les justificatifs des dépenses dans un délai de {m} suivant "
                                  "l'achèvement du projet."], "justificatifs", m, mv, f"dans un délai de {m} suivant")
        a, av = _months(v["achevement"])
        article("Reversement", [f"La subvention est reversée si le projet n'est pas achevé dans un délai de {a} à compter "
                                "de la signature de la convention."], "achevement", a, av, f"pas achevé dans un délai de {a}")
        article("Communication", ["Le bénéficiaire mentionne le soutien de la Métropole sur tout support de communication."])
    return articles, facts


# ============================================================================== the archive
_WEIGHTS = {"subsidy": 30, "convention": 15, "appointment": 13, "budget": 8, "staff": 9, "procurement": 9,
            "membership_fee": 5}


def _plan(acts: int, seed: int) -> tuple[_Planner, list[Act], list[Seance], dict[str, dict]]:
    p = _Planner(acts, seed)
    rng = p.rng
    p.cast()
    n_tracks = min(len(TRACKS) - 5, max(2, round(acts / 60)))
    n_funds = min(len(FUNDS), max(1, round(acts / 300)))
    tracks = rng.sample(TRACKS, n_tracks)
    funds = rng.sample(FUNDS, n_funds)
    rules_docs = 2 * n_tracks + (2 * n_funds if acts >= 60 else n_funds)
    deliberations = acts - rules_docs
    seances = p.seances(deliberations)
    sizes = p.sizes(len(seances), deliberations)
    slots = [(s, i) for s, size in zip(seances, sizes) for i in range(size)]  # in séance order
    kinds: list[str | None] = [None] * len(slots)
    meta: dict[int, dict] = {}
    # Track openings over the whole period (not the last slots, so that a second wave can follow).
    free = list(range(len(slots)))
    horizon = max(1, int(len(slots) * 0.8))
    for j, track in enumerate(tracks):
        choices = [i for i in free if i < horizon]
        i = rng.choice(choices)
        free.remove(i)
        kinds[i], meta[i] = "track_opening", {"track": track}
    for i in [i for i in range(len(slots)) if kinds[i] == "track_opening"]:
        if rng.random() < 0.55:
            later = [k for k in free if k > i + 3]
            if later:
                k = rng.choice(later)
                free.remove(k)
                kinds[k], meta[k] = "track_wave", {"track": meta[i]["track"], "opening": i}
    for fund in funds:
        i = rng.choice([k for k in free if k < max(2, int(len(slots) * 0.5))] or free)
        free.remove(i)
        kinds[i], meta[i] = "fund_creation", {"fund": fund}
    names, weights = zip(*_WEIGHTS.items())
    for i in free:
        kinds[i] = rng.choices(names, weights=weights)[0]
        meta[i] = {}
    # Numbering within each séance and the facts of each act.
    out: list[Act] = []
    number: Counter = Counter()
    subjects: set[tuple[str, str]] = set()
    members: dict[str, list[str]] = {}
    slot_act: dict[int, Act] = {}
    fund_created: dict[str, dt.date] = {}
    for i, ((seance, _), kind) in enumerate(zip(slots, kinds)):
        number[seance.date] += 1
        ref = f"{seance.organ}{seance.date:%Y/%m/%d}/{number[seance.date]:02d}"
        seance.references.append(ref)
        organ_word = "bureau" if seance.organ == "BM" else "conseil"
        fmt = "docx" if rng.random() < 0.1 else "pdf"
        act = Act(file=f"{ref.replace('/', '-')}_deliberation_{organ_word}.{fmt}", format=fmt, kind=kind, title="",
                  reference=ref, organ=seance.organ, seance_date=seance.date, convocation_date=seance.convocation,
                  president=seance.president.name, secretary=seance.secretary, councillors=seance.councillors,
                  present=seance.present, vote=p.vote(seance))
        m = meta[i]
        if kind == "track_opening":
            act.track = m["track"]
            act.beneficiaries = sorted(rng.sample(p.eligible, rng.randint(8, 34)), key=_sort_key)
            members[act.track] = list(act.beneficiaries)
            act.title = (f"PROGRAMME « APPROPRIATION MÉTROPOLITAINE » — OUVERTURE DU PARCOURS « {act.track.upper()} » "
                         "ET DÉSIGNATION DES BÉNÉFICIAIRES")
        elif kind == "track_wave":
            act.track = m["track"]
            opening = slot_act[m["opening"]]
            act.related = opening.reference
            pool = [c for c in p.eligible if c not in members[act.track]]
            act.beneficiaries = sorted(rng.sample(pool, rng.randint(3, 12)), key=_sort_key)
            members[act.track] += act.beneficiaries
            act.beneficiaries_total = len(members[act.track])
            act.title = (f"PROGRAMME « APPROPRIATION MÉTROPOLITAINE » — PARCOURS « {act.track.upper()} » : "
                         "DÉSIGNATION DE BÉNÉFICIAIRES SUPPLÉMENTAIRES")
        elif kind == "subsidy":
            while True:
                commune = rng.choice([c for c in p.communes if c != "Paris"])
                project = rng.choice(PROJECT_KINDS).format(name=rng.choice(PLACE_NAMES))
                if (commune, project) not in subjects:
                    subjects.add((commune, project))
                    break
            act.commune, act.project = commune, project
            act.amount = rng.randint(5, 400) * 1000 + rng.choice([0, 0, 500])
            open_funds = [f for f, d in fund_created.items() if d < seance.date]
            act.fund = rng.choice(open_funds) if open_funds and rng.random() < 0.75 else None
            act.title = f"ATTRIBUTION D'UNE SUBVENTION À LA COMMUNE DE {commune.upper()} POUR {project.upper()}"
        elif kind == "convention":
            act.commune = rng.choice(p.eligible)
            act.project = rng.choice(CONVENTION_OBJECTS)
            partner = (f"L'ÉTABLISSEMENT PUBLIC TERRITORIAL {act.commune.removesuffix(' (EPT)').upper()}"
                       if act.commune.endswith("(EPT)") else f"LA COMMUNE DE {act.commune.upper()}")
            act.title = f"CONVENTION DE PARTENARIAT AVEC {partner} RELATIVE À {act.project.upper()}"
        elif kind == "appointment":
            act.organism = rng.choice(ORGANISMS)
            act.appointee = rng.choice(p.councillors).name
            act.title = ("DÉSIGNATION D'UN REPRÉSENTANT DE LA MÉTROPOLE "
                         + act.organism.upper().replace("AU SEIN DU ", "AU ").replace("AU SEIN DE LA ", "À LA ")
                         .replace("AU SEIN DE L'", "À L'"))
        elif kind == "budget":
            n = rng.randint(1, 3)
            year = seance.date.year
            act.project = rng.choice([f"la décision modificative n°{n} du budget principal de l'exercice {year}",
                                      f"le budget supplémentaire de l'exercice {year}",
                                      f"l'ajustement des autorisations de programme et crédits de paiement de l'exercice {year}"])
            act.amount = rng.randint(2, 400) * 10_000
            act.title = act.project.upper().removeprefix("LA ").removeprefix("LE ").removeprefix("L'")
        elif kind == "staff":
            act.title = rng.choice(["CRÉATION D'EMPLOIS PERMANENTS ET MODIFICATION DU TABLEAU DES EFFECTIFS",
                                    "MODIFICATION DU TABLEAU DES EFFECTIFS DE LA MÉTROPOLE"])
        elif kind == "procurement":
            act.project = rng.choice(PROCUREMENT_OBJECTS)
            act.amount = rng.randint(5, 300) * 10_000
            act.title = f"AUTORISATION DE SIGNER L'ACCORD-CADRE RELATIF À {act.project.upper()}"
        elif kind == "membership_fee":
            act.organism = rng.choice(ASSOCIATIONS)
            act.amount = rng.randint(5, 120) * 100
            act.title = f"ADHÉSION À L'ASSOCIATION {act.organism.upper()} ET VERSEMENT DE LA COTISATION {seance.date.year}"
        elif kind == "fund_creation":
            act.fund = m["fund"]
            act.amount = rng.randint(10, 80) * 100_000
            fund_created[act.fund] = seance.date
            act.title = f"CRÉATION DU {act.fund.upper()} ET APPROBATION DE SON RÈGLEMENT"
        slot_act[i] = act
        out.append(act)
    # Règlements and convention models, annexed to their opening or creation act.
    values: dict[str, dict] = {}
    for act in [a for a in out if a.kind in ("track_opening", "fund_creation")]:
        subject = act.track or act.fund
        docs = [("reglement", "reglement")]
        if act.track or acts >= 60:
            docs.append(("convention_model", "modele_convention"))
        for kind, stem in docs:
            fmt = "docx" if rng.random() < 0.6 else "pdf"
            prefix = "parcours" if act.track else "fonds"
            name = slug(subject.removeprefix("Fonds ")) if act.fund else slug(subject)
            what = ("Règlement du " if kind == "reglement" else
                    f"Modèle de convention {'d’engagement' if act.track else 'de financement'} du ".replace("’", "'"))
            rule = Act(file=f"{stem}_{prefix}_{name}.{fmt}", format=fmt, kind=kind, related=act.reference,
                       track=act.track, fund=act.fund, seance_date=act.seance_date,
                       title=what + (f"parcours « {act.track} »" if act.track else act.fund))
            values[rule.file] = _rule_values(rng, kind, bool(act.track))
            out.append(rule)
    return p, out, seances, values


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


_DATE_RE = re.compile(rf"\b(1er|\d{{1,2}}) ({'|'.join(MONTHS_FR)}) (\d{{4}})\b")
_REF_RE = re.compile(r"\b[A-Z]{1,3}\d{4}/\d{2}/\d{2}/\d+(?:-\d+)?\b")


def write_archive(folder: Path, acts: int, seed: int = 7) -> Archive:
    """Write ``acts`` documents into ``folder/documents/`` and their facts into ``folder/archive.json``."""
    planner, items, seances, values = _plan(acts, seed)
    documents = folder / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    for old in documents.iterdir():  # a previous archive in the same folder would mix with this one
        if old.is_file():
            old.unlink()
    by_date = {s.date: s for s in seances}
    articles: dict[str, list[tuple[str, list[str]]]] = {}
    for act in items:
        if act.file in values:
            articles[act.file], act.rules = _rules_for(act, values[act.file])
    writer = _Writer(planner, items)
    texts: list[str] = []
    for act in items:
        if act.kind in ("reglement", "convention_model"):
            doc = writer.rules_document(act, articles[act.file])
            category = "règlement" if act.kind == "reglement" else "convention"
            title = f"SYNTHÉTIQUE — {act.title} (fictif)"
            footer = act.title
        else:
            doc = writer.deliberation(act, by_date[act.seance_date])
            category = "délibération"
            organ = "Bureau" if act.organ == "BM" else "Conseil"
            title = f"SYNTHÉTIQUE — Délibération {act.reference} du {organ} (fictive)"
            footer = f"{organ} métropolitain — délibération {act.reference}"
        act.passages = doc.passages
        path = documents / act.file
        if act.format == "pdf":
            act.pages = _write_pdf(path, doc.blocks, title=title, footer=footer, category=category)
        else:
            _write_docx(path, doc.blocks, title=title, category=category)
        texts.append(doc.text)
    everything = "\n".join(texts)
    folded = _fold(everything)
    used = {a.track for a in items if a.track}
    archive = Archive(
        seed=seed, years=planner.years, seances=seances, acts=items,
        tracks=sorted(used), funds=sorted({a.fund for a in items if a.fund}),
        absent_tracks=[t for t in TRACKS if t not in used and _fold(t.removeprefix("IA-")) not in folded],
        absent_subjects=[s for s in ABSENT_SUBJECTS if _fold(s.split(" ", 1)[1]) not in folded],
        mentioned_dates=sorted({_parse_date(m) for m in _DATE_RE.finditer(everything)}),
        mentioned_references=sorted(set(_REF_RE.findall(everything))),
    )
    (folder / "archive.json").write_text(archive.model_dump_json(indent=1), encoding="utf-8")
    return archive


def _parse_date(m: re.Match) -> dt.date:
    day = 1 if m.group(1) == "1er" else int(m.group(1))
    return dt.date(int(m.group(3)), MONTHS_FR.index(m.group(2)) + 1, day)


def _fold(text: str) -> str:
    from assistant.text import fold

    return fold(text)


def load_archive(folder: Path) -> Archive:
    return Archive.model_validate_json((folder / "archive.json").read_text(encoding="utf-8"))


# ============================================================================== the questions
def _short(track: str) -> str:
    """« Mobilités du quotidien »: what an answer about track « IA-Mobilités du quotidien » must name."""
    return track.removeprefix("IA-")


def _bare(name: str) -> str:
    return name.removesuffix(" (EPT)")


def _is_ept(name: str) -> bool:
    return name.endswith("(EPT)")


def _organ_words(organ: str) -> tuple[str, str]:
    """(« Bureau de la Métropole », « Bureau »)."""
    return ("Bureau de la Métropole", "Bureau") if organ == "BM" else ("Conseil de la Métropole", "Conseil métropolitain")


def _as_asked(rng: random.Random, d: dt.date) -> str:
    return d.strftime("%d/%m/%Y") if rng.random() < 0.2 else date_fr(d)


def _source(act: Act, key: str) -> SourcePassage:
    return SourcePassage(document=act.file, passage=act.passages[key])


def _vote_facts(vote: Vote) -> list[list[str]]:
    if vote.unanimous:
        return [["unanimité"]]
    p, c, a = vote.pour, vote.contre, vote.abstentions
    return [[f"pour : {p}", f"{p} voix pour", f"{p} pour", f"{p} votes pour"],
            [f"contre : {c}", f"{c} voix contre", f"{c} contre", f"{c} votes contre"],
            [f"abstentions : {a}", f"abstention : {a}", f"{a} abstention"]]


def _membership_question(rng: random.Random, name: str, track: str) -> str:
    t = rng.choice([f"« {track} »", track, f"« {track} »"])
    if _is_ept(name):
        e = _bare(name)
        return rng.choice([f"L'EPT {e} est-il bénéficiaire du parcours {t} ?",
                           f"Est-ce que l'EPT {e} a été retenu pour le parcours {t} ?",
                           f"L'établissement public territorial {e} fait-il partie des bénéficiaires du parcours {t} ?"])
    return rng.choice([f"La commune de {name} est-elle bénéficiaire du parcours {t} ?",
                       f"{name} fait-elle partie des bénéficiaires du parcours {t} ?",
                       f"Est-ce que {name} a été retenue pour le parcours {t} ?",
                       f"{name} participe-t-elle au parcours {t} ?",
                       f"Est-ce que la ville de {name} figure parmi les bénéficiaires du parcours {t} ?"])


_RULE_QUESTIONS = {
    "candidature": ["Dans quel délai les candidatures doivent-elles être déposées selon le {doc} ?",
                    "Quel délai de dépôt des candidatures prévoit l'article {art} du {doc} ?"],
    "max": ["Combien de bénéficiaires le comité d'examen peut-il retenir au plus selon le {doc} ?",
            "Quel est le nombre maximal de bénéficiaires prévu par l'article {art} du {doc} ?"],
    "duree": ["Quelle est la durée prévue par l'article {art} du {doc} ?",
              "Combien de temps dure le parcours selon le {doc} ?"],
    "formation": ["Combien de journées de formation le {doc} prévoit-il ?",
                  "Selon l'article {art} du {doc}, combien de journées de formation sont organisées ?"],
    "plafond": ["Quel est le plafond de prise en charge prévu par l'article {art} du {doc} ?",
                "Dans quelle limite la Métropole prend-elle en charge la solution selon le {doc} ?",
                "Quel est le montant maximal prévu par le {doc} ?"],
    "rapport": ["Quand le rapport d'étape doit-il être remis selon le {doc} ?",
                "À quel moment l'article {art} du {doc} prévoit-il le rapport d'étape ?"],
    "retrait": ["Quel délai de prévenance le {doc} impose-t-il pour se retirer du parcours ?",
                "Selon l'article {art} du {doc}, combien de temps à l'avance faut-il prévenir d'un retrait ?"],
    "referent": ["Dans quel délai le bénéficiaire désigne-t-il son référent selon le {doc} ?",
                 "Quel délai l'article {art} du {doc} fixe-t-il pour désigner l'agent référent ?"],
    "comite": ["À quelle fréquence le comité de suivi se réunit-il selon le {doc} ?",
               "Tous les combien le comité de suivi prévu par le {doc} se réunit-il ?"],
    "communication": ["De combien de jours ouvrés une partie dispose-t-elle pour se prononcer sur un communiqué selon le {doc} ?",
                      "Quel délai l'article {art} du {doc} laisse-t-il pour approuver un communiqué ?"],
    "resiliation": ["Quel préavis de résiliation prévoit le {doc} ?",
                    "Selon l'article {art} du {doc}, quel est le préavis de résiliation ?"],
    "litiges": ["Dans quel délai les parties doivent-elles tenter un règlement amiable selon le {doc} ?",
                "Quel délai de règlement amiable des litiges prévoit l'article {art} du {doc} ?"],
    "taux": ["Quel est le taux maximal de subvention prévu par le {doc} ?",
             "Selon l'article {art} du {doc}, quelle part du coût hors taxes la subvention peut-elle couvrir ?"],
    "depot": ["Quelle est la date limite de dépôt des dossiers prévue par le {doc} ?",
              "Jusqu'à quand peut-on déposer un dossier selon l'article {art} du {doc} ?"],
    "commencement": ["Dans quel délai les travaux doivent-ils commencer selon le {doc} ?",
                     "Quel délai de commencement des travaux fixe l'article {art} du {doc} ?"],
    "acompte": ["Quel acompte peut être versé selon le {doc} ?",
                "Quel est le pourcentage de l'acompte prévu par l'article {art} du {doc} ?"],
    "caducite": ["Au bout de combien de temps une subvention devient-elle caduque selon le {doc} ?",
                 "Quel délai de caducité prévoit l'article {art} du {doc} ?"],
    "validite": ["Pour quelle durée est conclue la convention selon le {doc} ?",
                 "Quelle est la durée de la convention prévue par l'article {art} du {doc} ?"],
    "justificatifs": ["Dans quel délai les justificatifs des dépenses doivent-ils être transmis selon le {doc} ?",
                      "Quel délai l'article {art} du {doc} fixe-t-il pour transmettre les justificatifs ?"],
    "achevement": ["Dans quel délai le projet doit-il être achevé pour éviter le reversement selon le {doc} ?",
                   "Selon l'article {art} du {doc}, au-delà de quel délai la subvention est-elle reversée ?"],
}


def _doc_label(act: Act) -> str:
    """« règlement du parcours « IA-… » », « modèle de convention de financement du Fonds … »."""
    if act.kind == "reglement":
        return f"règlement du parcours « {act.track} »" if act.track else f"règlement du {act.fund}"
    return (f"modèle de convention d'engagement du parcours « {act.track} »" if act.track
            else f"modèle de convention de financement du {act.fund}")


class _Questions:
    """Candidate cases of each kind, in a fixed order; only the drawn ones get their wording."""

    def __init__(self, archive: Archive, rng: random.Random) -> None:
        self.a = archive
        self.rng = rng
        self.deliberations = [a for a in archive.acts if a.reference]
        self.by_ref = {a.reference: a for a in self.deliberations}
        self.members: dict[str, list[tuple[str, Act]]] = {}
        for act in self.deliberations:
            if act.kind in ("track_opening", "track_wave"):
                self.members.setdefault(act.track, []).extend((n, act) for n in act.beneficiaries)
        self.track_acts = {t: [a for a in self.deliberations if a.track == t] for t in self.members}

    def case(self, id: str, question: str, category: str, facts: list[list[str]], sources: list[SourcePassage],
             forbidden: list[str] | None = None) -> EvalCase:
        return EvalCase(id=id, question=question, category=category, expected_facts=facts, sources=sources,
                        forbidden=forbidden or [])

    def abstain(self, id: str, question: str) -> EvalCase:
        return EvalCase(id=id, question=question, category="out_of_corpus", must_abstain=True)

    # ------------------------------------------------------------------------------ kinds
    def president_date(self):
        for s in self.a.seances:
            if len(s.references) != 1:
                continue  # every act of a séance names its president: by date, only a séance of one act has one source
            act = self.by_ref[s.references[0]]
            long, short = _organ_words(s.organ)

            def make(rng, s=s, act=act, long=long, short=short):
                d = _as_asked(rng, s.date)
                q = rng.choice([f"Qui présidait la séance du {long} du {d} ?", f"Qui a présidé le {short} du {d} ?",
                                f"Le {d}, qui était à la présidence de la séance du {short} ?",
                                f"Présidence de la séance du {long} du {d} : qui ?"])
                return self.case(f"a-president-{s.organ.lower()}{s.date:%Y-%m-%d}", q, "factual",
                                 [[s.president.name, s.president.surname]], [_source(act, "president")])
            yield make

    def president_ref(self):
        for act in self.deliberations:
            def make(rng, act=act):
                r = act.reference
                q = rng.choice([f"Qui présidait la séance au cours de laquelle la délibération {r} a été adoptée ?",
                                f"Qui était président de séance pour la délibération {r} ?",
                                f"{r} : qui présidait la séance ?"])
                surname = act.president.split(" ", 1)[1]
                return self.case(f"a-president-{ref_slug(r)}", q, "right_act", [[act.president, surname]],
                                 [_source(act, "president")])
            yield make

    def vote(self):
        for act in self.deliberations:
            def make(rng, act=act):
                r = act.reference
                options = [f"Quel a été le résultat du vote de la délibération {r} ?",
                           f"Comment la délibération {r} a-t-elle été votée ?",
                           f"La {r} a-t-elle été adoptée à l'unanimité ?", f"Résultat du vote sur la {r} ?"]
                if act.kind == "subsidy":
                    options.append(f"Comment a été votée la subvention à {act.commune} pour {act.project} ?")
                return self.case(f"a-vote-{ref_slug(r)}", rng.choice(options), "right_act", _vote_facts(act.vote),
                                 [_source(act, "vote")])
            yield make

    def subsidy(self):
        for act in [a for a in self.deliberations if a.kind == "subsidy"]:
            def make(rng, act=act):
                r, c, p = act.reference, act.commune, act.project
                q = rng.choice([f"Quel est le montant de la subvention attribuée à la commune de {c} par la délibération {r} ?",
                                f"Combien la Métropole a-t-elle accordé à {c} pour {p} ?",
                                f"Montant de la subvention versée à {c} pour {p} ?",
                                f"Quelle somme la délibération {r} attribue-t-elle à {c} ?"])
                return self.case(f"a-subsidy-{ref_slug(r)}", q, "right_act", [amount_variants(act.amount)],
                                 [_source(act, "amount")])
            yield make

    def count(self):
        for act in [a for a in self.deliberations if a.kind in ("track_opening", "track_wave")]:
            def make(rng, act=act):
                r, t, n = act.reference, act.track, len(act.beneficiaries)
                if act.kind == "track_opening":
                    q = rng.choice([f"Combien de bénéficiaires la délibération {r} a-t-elle désignés ?",
                                    f"Combien de communes et EPT ont été retenus à l'ouverture du parcours « {t} » ?",
                                    f"Lors de l'ouverture du parcours {t}, combien de bénéficiaires ont été désignés ?"])
                    return self.case(f"a-count-{ref_slug(r)}", q, "factual", [count_variants(n)], [_source(act, "count")])
                if rng.random() < 0.5:
                    q = rng.choice([f"Combien de bénéficiaires la délibération {r} a-t-elle ajoutés au parcours « {t} » ?",
                                    f"Combien de communes et EPT la deuxième vague du parcours {t} a-t-elle ajoutés ?"])
                    return self.case(f"a-count-{ref_slug(r)}", q, "factual", [count_variants(n)], [_source(act, "count")])
                q = rng.choice([f"Après la délibération {r}, combien de bénéficiaires compte le parcours « {t} » ?",
                                f"Combien de bénéficiaires compte le parcours {t} depuis sa deuxième vague ?"])
                return self.case(f"a-count-{ref_slug(r)}", q, "factual", [count_variants(act.beneficiaries_total)],
                                 [_source(act, "total")])
            yield make

    def listing(self):
        for act in [a for a in self.deliberations if a.kind in ("track_opening", "track_wave") and len(a.beneficiaries) <= 12]:
            def make(rng, act=act):
                r, t = act.reference, act.track
                if act.kind == "track_wave":
                    q = rng.choice([f"Quelles communes la délibération {r} a-t-elle ajoutées au parcours « {t} » ?",
                                    f"Quels bénéficiaires ont été ajoutés au parcours {t} lors de sa deuxième vague ?"])
                else:
                    q = rng.choice([f"Quels sont les bénéficiaires désignés par la délibération {r} ?",
                                    f"Quelles communes ont été retenues à l'ouverture du parcours « {t} » ?"])
                return self.case(f"a-list-{ref_slug(r)}", q, "list", [[_bare(n)] for n in act.beneficiaries],
                                 [_source(act, f"member:{act.beneficiaries[0]}")])
            yield make

    def membership_yes(self):
        for track in sorted(self.members):
            for name, act in self.members[track]:
                def make(rng, track=track, name=name, act=act):
                    return self.case(f"a-yes-{slug(track)}-{slug(_bare(name))}", _membership_question(rng, name, track),
                                     "membership_yes", [[_bare(name)], [_short(track), act.reference]],
                                     [_source(act, f"member:{name}")])
                yield make

    def membership_no(self):
        ept_of = {c: f"{e} (EPT)" for e, members in ept_members()[1].items() for c in members}
        for track in sorted(self.members):
            listed = {n for n, _ in self.members[track]}
            acts = self.track_acts[track]
            for commune in metropole_communes():
                # A commune whose EPT is listed is answered with its EPT: not a plain « no ».
                if commune in listed or ept_of.get(commune) in listed:
                    continue

                def make(rng, track=track, commune=commune, acts=acts):
                    facts = [[_short(track), *[a.reference for a in acts]]]
                    return self.case(f"a-no-{slug(track)}-{slug(commune)}", _membership_question(rng, commune, track),
                                     "membership_no", facts, [_source(a, "list_intro") for a in acts],
                                     forbidden=[f"Oui, {commune}", f"Oui. {commune}"])
                yield make

    def rules(self):
        for act in [a for a in self.a.acts if a.kind in ("reglement", "convention_model")]:
            for fact in act.rules:
                def make(rng, act=act, fact=fact):
                    q = rng.choice(_RULE_QUESTIONS[fact.key]).format(doc=_doc_label(act), art=fact.article)
                    return self.case(f"a-rule-{slug(Path(act.file).stem)}-{fact.key}", q, "rules", [fact.variants],
                                     [_source(act, f"rule:{fact.key}")])
                yield make

    def appointment(self):
        for act in [a for a in self.deliberations if a.kind == "appointment"]:
            def make(rng, act=act):
                r, o = act.reference, act.organism
                q = rng.choice([f"Qui la délibération {r} désigne-t-elle pour représenter la Métropole {o} ?",
                                f"Qui a été désigné pour représenter la Métropole {o} par la délibération {r} ?",
                                f"Quel élu la {r} désigne-t-elle {o} ?"])
                return self.case(f"a-appoint-{ref_slug(r)}", q, "factual",
                                 [[act.appointee, act.appointee.split(" ", 1)[1]]], [_source(act, "appointee")])
            yield make

    def reference(self):
        for act in [a for a in self.deliberations if a.kind in ("track_opening", "fund_creation", "subsidy")]:
            def make(rng, act=act):
                if act.kind == "track_opening":
                    q = rng.choice([f"Quelle délibération a ouvert le parcours « {act.track} » ?",
                                    f"Quel est le numéro de la délibération d'ouverture du parcours {act.track} ?"])
                elif act.kind == "fund_creation":
                    q = rng.choice([f"Quelle délibération a créé le {act.fund} ?",
                                    f"Quelle est la référence de la délibération approuvant le règlement du {act.fund} ?"])
                else:
                    q = rng.choice([f"Quelle est la référence de la délibération attribuant une subvention à {act.commune} pour {act.project} ?",
                                    f"Quel est le numéro de la délibération qui subventionne {act.project} à {act.commune} ?"])
                return self.case(f"a-ref-{ref_slug(act.reference)}", q, "factual", [[act.reference]],
                                 [_source(act, "reference")])
            yield make

    def date(self):
        for act in [a for a in self.deliberations if a.kind in ("track_opening", "fund_creation", "subsidy", "track_wave")]:
            def make(rng, act=act):
                if act.kind == "track_opening":
                    q = rng.choice([f"À quelle date la délibération ouvrant le parcours « {act.track} » a-t-elle été adoptée ?",
                                    f"Quand le parcours {act.track} a-t-il été ouvert ?"])
                elif act.kind == "track_wave":
                    q = f"À quelle date des bénéficiaires ont-ils été ajoutés au parcours « {act.track} » ?"
                elif act.kind == "fund_creation":
                    q = f"Quand le {act.fund} a-t-il été créé ?"
                else:
                    q = rng.choice([f"Quand la subvention à {act.commune} pour {act.project} a-t-elle été votée ?",
                                    f"À quelle date la Métropole a-t-elle subventionné {act.project} à {act.commune} ?"])
                return self.case(f"a-date-{ref_slug(act.reference)}", q, "factual", [date_variants(act.seance_date)],
                                 [_source(act, "date")])
            yield make

    # ----------------------------------------------------------------------- out of archive
    def ooc_date(self):
        mentioned = set(self.a.mentioned_dates) | {s.date for s in self.a.seances} | RESERVED_DATES
        for year in self.a.years:
            day = dt.date(year, 1, 8)
            while day.year == year:
                if day.weekday() < 5 and day not in mentioned and day.month != 8:
                    def make(rng, day=day):
                        long, short = _organ_words(rng.choice(["BM", "CM"]))
                        d = _as_asked(rng, day)
                        q = rng.choice([f"Qui présidait la séance du {long} du {d} ?",
                                        f"Quelles délibérations le {short} a-t-il adoptées le {d} ?",
                                        f"Qui était secrétaire de séance au {short} du {d} ?",
                                        f"Combien de conseillers étaient présents à la séance du {long} du {d} ?"])
                        return self.abstain(f"a-ooc-date-{day:%Y-%m-%d}", q)
                    yield make
                day += dt.timedelta(days=1)

    def ooc_track(self):
        communes = [c for c in metropole_communes() if c != "Paris"]
        for track in self.a.absent_tracks:
            def make(rng, track=track):
                c = rng.choice(communes)
                q = rng.choice([_membership_question(rng, c, track),
                                f"Quelle est la durée du parcours « {track} » selon son règlement ?",
                                f"Quelle délibération a ouvert le parcours {track} ?",
                                f"Combien de bénéficiaires compte le parcours « {track} » ?"])
                return self.abstain(f"a-ooc-track-{slug(track)}", q)
            yield make

    def ooc_subject(self):
        communes = [c for c in metropole_communes() if c != "Paris"]
        for subject in self.a.absent_subjects:
            for commune in communes:
                def make(rng, subject=subject, commune=commune):
                    q = rng.choice([f"Quel montant la Métropole a-t-elle attribué à {commune} pour {subject} ?",
                                    f"Quelle délibération a subventionné {subject} à {commune} ?",
                                    f"Quand la Métropole a-t-elle voté la subvention pour {subject} à {commune} ?"])
                    return self.abstain(f"a-ooc-subject-{slug(subject)}-{slug(commune)}", q)
                yield make

    def ooc_reference(self):
        mentioned = set(self.a.mentioned_references)
        for s in self.a.seances:
            other = "CM" if s.organ == "BM" else "BM"
            for ref in [f"{s.organ}{s.date:%Y/%m/%d}/{len(s.references) + k:02d}" for k in (1, 3)] + [
                    f"{other}{s.date:%Y/%m/%d}/{1:02d}"]:
                if ref in mentioned:
                    continue

                def make(rng, ref=ref):
                    q = rng.choice([f"Quel a été le résultat du vote de la délibération {ref} ?",
                                    f"La délibération {ref} porte sur quoi ?",
                                    f"Qui présidait la séance de la délibération {ref} ?"])
                    return self.abstain(f"a-ooc-ref-{ref_slug(ref)}", q)
                yield make


QUESTION_KINDS = ("president_date", "president_ref", "vote", "subsidy", "count", "listing", "membership_yes",
                  "membership_no", "rules", "appointment", "reference", "date",
                  "ooc_date", "ooc_track", "ooc_subject", "ooc_reference")


def archive_questions(archive: Archive, per_kind: int = 10, seed: int = 7) -> EvalSet:
    """Up to ``per_kind`` cases of each kind (half as many of each out-of-archive kind), drawn from the
    archive's facts with seeded wording; ids come from the facts, so they are stable for a seed."""
    rng = random.Random(f"mgp-archive-questions-{seed}")
    questions = _Questions(archive, rng)
    cases: list[EvalCase] = []
    for kind in QUESTION_KINDS:
        candidates = list(getattr(questions, kind)())
        wanted = max(1, per_kind // 2) if kind.startswith("ooc_") else per_kind
        for make in rng.sample(candidates, min(wanted, len(candidates))):
            cases.append(make(rng))
    return EvalSet(cases=cases)


def expected_documents(case: EvalCase) -> list[str]:
    """The file names of the act(s) a case is about: citing any other act is a wrong-act answer."""
    return sorted({s.document for s in case.sources})


def write_testset(evalset: EvalSet, path: Path, archive: Archive | None = None) -> Path:
    """The format of evals/testset.yaml (a commented header, then ``cases:``)."""
    about = f" (graine {archive.seed}, {len(archive.acts)} documents, années {archive.years[0]}–{archive.years[-1]})" if archive else ""
    header = (
        "# SYNTHETIC test set of the archive benchmark, generated by evals/archive.py" + about + ".\n"
        "# Every document of documents/ is INVENTED (séances, officers, subsidies, tracks, règlements): test fixtures,\n"
        "# never rules of the programme « Appropriation Métropolitaine ». Only the commune and EPT names are real.\n"
        "# Each answerable case has the source passage of the one act that holds its fact; citing another act is a\n"
        "# wrong-act answer. Do not edit: regenerate with python -m evals.archive.\n"
    )
    lines = ["cases:"]
    for case in evalset.cases:
        lines += [f"  - id: {case.id}", f"    question: {_flow(case.question)}", f"    category: {case.category}"]
        if case.expected_facts:
            lines.append(f"    expected_facts: {_flow(case.expected_facts)}")
        if case.forbidden:
            lines.append(f"    forbidden: {_flow(case.forbidden)}")
        if case.sources:
            lines.append(f"    sources: {_flow([s.model_dump() for s in case.sources])}")
        if case.must_abstain:
            lines.append("    must_abstain: true")
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _flow(value: object) -> str:
    """One YAML value on one line (flow style), quoted only where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("...").strip()


def build(folder: Path, acts: int, per_kind: int = 10, seed: int = 7) -> tuple[Archive, EvalSet]:
    """The archive, its questions and ``folder/testset.yaml``: a corpus folder as evals/corpora.py reads them."""
    archive = write_archive(folder, acts, seed)
    evalset = archive_questions(archive, per_kind, seed)
    write_testset(evalset, folder / "testset.yaml", archive)
    return archive, evalset


def summary(archive: Archive, evalset: EvalSet) -> dict:
    pages = Counter(a.pages for a in archive.acts if a.pages)
    return {
        "documents": len(archive.acts), "years": archive.years, "seances": len(archive.seances),
        "kinds": dict(Counter(a.kind for a in archive.acts).most_common()),
        "formats": dict(Counter(a.format for a in archive.acts)),
        "pdf_pages": {str(k): pages[k] for k in sorted(pages)},
        "cases": len(evalset.cases), "categories": dict(Counter(c.category for c in evalset.cases)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--acts", type=int, default=ACTS_PER_YEAR)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    t0 = time.perf_counter()
    archive = write_archive(args.dir, args.acts, args.seed)
    generated = time.perf_counter() - t0
    evalset = archive_questions(archive, args.per_kind, args.seed)
    write_testset(evalset, args.dir / "testset.yaml", archive)
    print(json.dumps({**summary(archive, evalset), "generate_s": round(generated, 2)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
