"""The engagement form over a corpus with TWO acts that each open a track with its own list of
beneficiaries: the bundled (real) corpus plus a SYNTHETIC second deliberation written here (its first
line says so; it is not a document of the programme). The agents' answers are synthetic too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from assistant.forms.output import to_markdown, write_draft
from assistant.forms import FormDefinitionError, FormDrafter, UnknownTrack, load_form
from tests.conftest import CORPUS
from tests.test_forms import assert_nothing_invented

FIRST_REF, FIRST_TRACK = "BM2025/06/24/12", "IA-Administration Interne des Collectivités"
SECOND_REF, SECOND_TRACK = "BM2025/10/14/07", "IA-Énergie et Sobriété des Bâtiments"
SECOND_LIST = ["Créteil", "Est Ensemble", "Nanterre", "Pantin", "Sceaux", "Vitry-sur-Seine"]

SYNTHETIC_ACT = f"""Document SYNTHÉTIQUE écrit par les tests (fixture) : ce n'est pas un acte de la Métropole du Grand Paris.

RÉPUBLIQUE FRANÇAISE

MÉTROPOLE DU GRAND PARIS

**SÉANCE DU BUREAU DE LA MÉTROPOLE DU GRAND PARIS
DU MARDI 14 OCTOBRE 2025**

{SECOND_REF} : OUVERTURE DU PARCOURS "IA-ÉNERGIE ET SOBRIÉTÉ DES BÂTIMENTS" DANS LE CADRE DU PROGRAMME APPROPRIATION MÉTROPOLITAINE ET SÉLECTION DES COMMUNES PARTICIPANTES

DATE DE LA CONVOCATION : 8 octobre 2025
NOMBRE DE CONSEILLERS EN EXERCICE : 43
PRÉSIDENT DE SÉANCE : Claude EXEMPLE, Président
SECRÉTAIRE DE SÉANCE : Dominique FICTIF

LE BUREAU DE LA MÉTROPOLE DU GRAND PARIS

- Vu** le code général des collectivités territoriales, notamment l'article L.5219-1,
- Vu** la délibération CM2025/04/07/19-2 approuvant le lancement du programme « Appropriation Métropolitaine »,

Vu le règlement du programme « Appropriation Métropolitaine »,

Considérant l'intérêt d'ouvrir une deuxième thématique au titre du programme susmentionné, intitulée « {SECOND_TRACK} »,

Considérant qu'il y a lieu de désigner les communes bénéficiaires du parcours « {SECOND_TRACK} » du programme « Appropriation Métropolitaine » de la Métropole du Grand Paris,

APRÈS EN AVOIR DÉLIBÉRÉ

APPROUVE la liste des communes bénéficiaires du parcours « {SECOND_TRACK} », à savoir :

Créteil, Est Ensemble (EPT), Nanterre, Pantin, Sceaux, Vitry-sur-Seine.

AUTORISE le Président ou son représentant à signer les conventions à conclure avec chaque commune participante et à prendre toute mesure afférente à l'exécution de la présente délibération.

ADOPTE À L'UNANIMITÉ DES SUFFRAGES EXPRIMÉS

Le Président de la Métropole du Grand Paris
"""


@pytest.fixture(scope="module")
def two_acts(tmp_path_factory, embeddings):
    """Settings over the bundled corpus plus the synthetic second act, ingested once."""
    from assistant.config import Settings
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("two_acts")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "BM2025-10-14-07_deliberation_bureau_SYNTHETIQUE.md").write_text(SYNTHETIC_ACT, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [] and report.documents == 4
    return settings


@pytest.fixture(scope="module")
def assistant2(two_acts, embeddings):
    from assistant.services import build_assistant

    return build_assistant(two_acts, embeddings=embeddings)


@pytest.fixture(scope="module")
def drafter2(assistant2):
    return FormDrafter(assistant2)


def cited(draft, field_id: str):
    value = next(v for v in draft.values if v.id == field_id)
    by_n = {c.n: c for c in draft.citations}
    return [by_n[n] for n in value.citations]


def test_the_second_act_is_read_as_its_own_track(assistant2) -> None:
    from assistant.record_answers import RecordAnswerer

    records = {r.reference: r for r in RecordAnswerer(assistant2.index.current()).records()}
    assert set(records) == {FIRST_REF, SECOND_REF}
    assert sorted(b.name for b in records[SECOND_REF].beneficiaries) == SECOND_LIST


def test_the_tracks_offered_are_those_of_the_indexed_acts(drafter2) -> None:
    tracks = drafter2.tracks()
    assert [(t.label, t.reference, t.value) for t in tracks] == [(FIRST_TRACK, FIRST_REF, FIRST_REF),
                                                                 (SECOND_TRACK, SECOND_REF, SECOND_REF)]
    # The label is matched loosely (case, accents, part of it) or by the act's reference.
    for typed in ("énergie", "ENERGIE ET SOBRIETE", SECOND_REF, f"{SECOND_TRACK} ({SECOND_REF})"):
        assert drafter2.find_track(typed).reference == SECOND_REF, typed
    assert drafter2.find_track("administration interne").reference == FIRST_REF
    assert drafter2.find_track(None) is None and drafter2.find_track("  ") is None
    with pytest.raises(UnknownTrack) as exc:
        drafter2.find_track("mobilités")
    assert FIRST_TRACK in str(exc.value) and SECOND_TRACK in str(exc.value) and "mobilités" in str(exc.value)
    with pytest.raises(UnknownTrack, match="plusieurs parcours"):
        drafter2.find_track("IA")  # both labels hold it


def test_commune_of_the_second_track_is_prefilled_from_that_act(drafter2, assistant2) -> None:
    draft = drafter2.draft("Nanterre", track="énergie")
    assert draft.selected and draft.matched_name == "Nanterre" and draft.reference == SECOND_REF
    assert draft.track == SECOND_TRACK and draft.warnings == [] and draft.notes == []
    fields = draft.fields
    assert fields["beneficiaire"] is True and fields["deliberation"] == SECOND_REF
    assert fields["parcours"] == SECOND_TRACK and fields["collectivite"] == "Nanterre"
    assert fields["convention"] is None  # the first act's convention sentence is about its own track
    for field_id in ("collectivite", "beneficiaire"):  # cited from the second act's list
        (citation,) = cited(draft, field_id)
        assert "Nanterre" in citation.quote
        assert assistant2.passage(citation.chunk_id).metadata["reference"] == SECOND_REF
    (ref_citation,) = cited(draft, "deliberation")
    assert SECOND_REF in ref_citation.quote
    (track_citation,) = cited(draft, "parcours")
    assert SECOND_TRACK in track_citation.quote
    assert assistant2.passage(track_citation.chunk_id).metadata["reference"] == SECOND_REF
    assert_nothing_invented(draft, assistant2)
    summary = draft.summary()
    assert summary["track"] == SECOND_TRACK and summary["act_reference"] == SECOND_REF


def test_commune_listed_by_another_act_is_told_which(drafter2, assistant2) -> None:
    draft = drafter2.draft("Nanterre", track=FIRST_REF)
    assert not draft.selected and draft.reference == FIRST_REF and draft.track == FIRST_TRACK
    assert draft.fields["beneficiaire"] is False and draft.fields["deliberation"] == FIRST_REF
    assert "CM2025/04/07/19-2" in draft.fields["convention"]
    assert draft.listed_by and SECOND_REF in draft.listed_by[0]
    (warning,) = draft.warnings
    assert "ne figure pas" in warning and FIRST_REF in warning
    assert SECOND_REF in warning and SECOND_TRACK in warning  # never a bare « not selected »
    note = next(v.note for v in draft.values if v.id == "beneficiaire")
    assert SECOND_REF in note
    assert_nothing_invented(draft, assistant2)


@pytest.mark.parametrize(("commune", "reference", "track"),
                         [("Nanterre", SECOND_REF, SECOND_TRACK), ("Antony", FIRST_REF, FIRST_TRACK),
                          ("Est Ensemble", SECOND_REF, SECOND_TRACK)])
def test_without_a_track_the_only_act_listing_the_commune_is_used(drafter2, assistant2, commune, reference, track) -> None:
    draft = drafter2.draft(commune)
    assert draft.selected and draft.reference == reference and draft.track == track
    assert draft.fields["deliberation"] == reference and draft.fields["parcours"] == track
    (note,) = draft.notes
    assert "non précisé" in note and reference in note and commune in note
    assert "non précisé" in to_markdown(draft)
    assert_nothing_invented(draft, assistant2)


@pytest.mark.parametrize("commune", ["Sceaux", "Bobigny"])
def test_without_a_track_otherwise_the_draft_asks_to_choose(drafter2, assistant2, commune) -> None:
    """Sceaux is listed by both acts, Bobigny by none: which track is meant is unknown, so nothing
    is said about selection and the tracks available are named."""
    draft = drafter2.draft(commune)
    assert draft.selected is None and draft.reference is None and draft.track is None and draft.matched_name is None
    assert draft.summary()["selected"] is None and draft.summary()["act_reference"] is None
    (warning,) = draft.warnings
    assert "Choisissez" in warning and FIRST_TRACK in warning and SECOND_TRACK in warning
    assert FIRST_REF in warning and SECOND_REF in warning
    assert "ne figure pas" not in warning
    fields = draft.fields
    assert fields["beneficiaire"] is None and fields["deliberation"] is None and fields["parcours"] is None
    assert {"beneficiaire", "deliberation", "parcours"} <= set(draft.missing)
    assert fields["collectivite"] == commune
    assert_nothing_invented(draft, assistant2)


def test_commune_listed_by_both_acts_is_prefilled_for_the_track_chosen(drafter2, assistant2) -> None:
    for wanted, reference in ((FIRST_REF, FIRST_REF), ("sobriété", SECOND_REF)):
        draft = drafter2.draft("Sceaux", track=wanted)
        assert draft.selected and draft.reference == reference and draft.warnings == [] and draft.listed_by
        (citation,) = cited(draft, "beneficiaire")
        assert assistant2.passage(citation.chunk_id).metadata["reference"] == reference
        assert_nothing_invented(draft, assistant2)


def test_ambiguous_names_stay_ambiguous_with_two_acts(drafter2) -> None:
    draft = drafter2.draft("Clichy")
    assert not draft.selected and "plusieurs bénéficiaires" in draft.warnings[0]
    assert draft.fields["beneficiaire"] is None and draft.fields["collectivite"] is None


def test_commune_picker_offers_the_chosen_track_first(drafter2) -> None:
    names = drafter2.communes(SECOND_REF)
    assert names[: len(SECOND_LIST)] == ["Créteil", "Est Ensemble", "Nanterre", "Pantin", "Sceaux", "Vitry-sur-Seine"]
    assert "Antony" in names[len(SECOND_LIST):]  # a commune of the EPT table, after the act's names
    assert "Reuil Malmaison" not in names  # the picker shows usual names, never the act's typo as a choice
    first = drafter2.communes("administration")
    assert first[0] == "Antony" and "Rueil-Malmaison" in first[:26]  # the first act's list comes first
    labels = dict((v, label) for label, v in drafter2.commune_choices("administration"))
    assert labels["Rueil-Malmaison"] == "Rueil-Malmaison — « Reuil Malmaison » dans l'acte"
    every = drafter2.communes()
    assert "Rueil-Malmaison" in every and "Nanterre" in every[:40] and "Paris" in every
    assert len(set(every)) == len(every) >= 130 + 11  # the Métropole's communes and EPT, once each


def test_a_definition_with_fixed_choices_keeps_working(assistant2, tmp_path) -> None:
    data = yaml.safe_load((CORPUS / "forms" / "formulaire_engagement.yaml").read_text(encoding="utf-8"))
    spec = data["sections"][1]["fields"][0]
    assert spec["id"] == "parcours" and spec.pop("choices_from") == "tracks"
    spec["choices"] = [FIRST_TRACK]
    path = tmp_path / "fixe.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    drafter = FormDrafter(assistant2, load_form(path))
    first = drafter.draft("Antony", track=FIRST_REF)
    assert first.fields["parcours"] == FIRST_TRACK and cited(first, "parcours")
    assert_nothing_invented(first, assistant2)
    second = drafter.draft("Nanterre", track=SECOND_REF)  # its track is not among the fixed choices
    assert second.fields["parcours"] is None and "parcours" in second.missing
    assert second.fields["deliberation"] == SECOND_REF


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(lambda f: f.update(choices=["A"]), "s'excluent"),
     (lambda f: f.update(type="text", choices_from="tracks", choices=[]), "choices_from ne vaut que"),
     (lambda f: f.update(choices_from="communes"), "champ parcours")],
)
def test_choices_from_is_checked(tmp_path, edit, expected) -> None:
    data = yaml.safe_load((CORPUS / "forms" / "formulaire_engagement.yaml").read_text(encoding="utf-8"))
    edit(data["sections"][1]["fields"][0])
    path = tmp_path / "form.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=expected):
        load_form(path)


def test_bundled_definition_takes_its_tracks_from_the_corpus() -> None:
    spec = load_form(CORPUS / "forms" / "formulaire_engagement.yaml").field("parcours")
    assert spec.choices_from == "tracks" and spec.choices == []


def test_docx_names_the_track_and_the_note(drafter2, tmp_path) -> None:
    from docx import Document

    draft = drafter2.draft("Nanterre")
    doc = Document(str(write_draft(draft, tmp_path / "nanterre.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert SECOND_TRACK in cells and SECOND_REF in cells and "non précisé" in text


def test_cli_draft_with_a_track(two_acts, tmp_path) -> None:
    env = {**os.environ, "MGP_CORPUS_DIR": str(two_acts.corpus_dir), "MGP_DATA_DIR": str(two_acts.data_dir)}
    base = [sys.executable, "-m", "ui.cli", "draft", "--commune", "Nanterre"]
    done = subprocess.run(base + ["--parcours", "Energie", "--out", str(tmp_path / "n.json"), "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert set(summary) >= {"commune", "matched_name", "selected", "reference", "missing", "invalid", "fields",
                            "citations", "warnings", "output", "track", "act_reference"}
    assert summary["selected"] is True and summary["track"] == SECOND_TRACK and summary["act_reference"] == SECOND_REF
    done = subprocess.run(base + ["--parcours", FIRST_REF, "--out", str(tmp_path / "n1.json"), "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["selected"] is False and summary["act_reference"] == FIRST_REF
    assert any(SECOND_REF in w for w in summary["warnings"])
    done = subprocess.run(base + ["--parcours", "mobilités douces"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "parcours inconnu" in message and FIRST_TRACK in message and SECOND_TRACK in message


def test_web_form_tab_offers_the_tracks_and_drafts_for_the_one_chosen(two_acts, assistant2) -> None:
    import gradio as gr

    from assistant.services import Services
    from ui.web import WebApp, build_app

    web = WebApp(Services(two_acts, assistant2.embeddings, assistant2))
    choices, value = web.form.form_track_choices()
    assert value == "" and [v for _, v in choices] == ["", FIRST_REF, SECOND_REF]
    assert any(SECOND_TRACK in label for label, _ in choices)
    demo = build_app(web)
    pickers = {b.label: b for b in demo.blocks.values() if isinstance(b, gr.Dropdown)}
    assert [c[1] for c in pickers["Parcours"].choices] == ["", FIRST_REF, SECOND_REF]
    ids = [b._id for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b.label in ("Parcours", "Commune ou EPT")]
    assert pickers["Parcours"]._id == min(ids)  # shown before the commune picker
    update = web.form.form_communes(SECOND_REF)
    names = [c[0] if isinstance(c, tuple) else c for c in update.choices]
    assert names[:3] == ["Créteil", "Est Ensemble", "Nanterre"]
    n = len([f for f in load_form(two_acts.forms_file).fields() if f.source == "user"])
    status, preview, path = web.form.prepare_form("Nanterre", *[None] * n, SECOND_REF)
    assert "✅" in status and SECOND_REF in status and SECOND_TRACK in preview
    status, _, _ = web.form.prepare_form("Nanterre", *[None] * n, FIRST_REF)
    assert "ne figure pas" in status and SECOND_REF in status
    status, _, _ = web.form.prepare_form("Sceaux", *[None] * n)  # no track given (older callers): asked to choose
    assert "Choisissez" in status
    with pytest.raises(gr.Error):
        web.form.prepare_form("Sceaux", *[None] * n, "mobilités")


def test_the_convention_row_names_the_indexed_convention_model_of_the_track(two_acts, embeddings, tmp_path) -> None:
    """A convention model indexed for the second track (a SYNTHETIC document written here) fills the
    « Convention d'engagement » row of that track's draft, cited."""
    from assistant.config import Settings
    from assistant.services import build_assistant
    from ingest.pipeline import Ingestor

    corpus = tmp_path / "corpus"
    shutil.copytree(two_acts.corpus_dir, corpus)
    (corpus / "modele_convention_energie_SYNTHETIQUE.md").write_text(
        f"# Modèle de convention d'engagement — parcours « {SECOND_TRACK} » (SYNTHÉTIQUE)\n\n"
        "Document SYNTHÉTIQUE écrit par les tests. La présente convention d'engagement est conclue entre la Métropole "
        "et la collectivité bénéficiaire pour la durée du parcours.\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", _env_file=None)
    assert Ingestor(settings, embeddings=embeddings).run().failed == []
    draft = FormDrafter(build_assistant(settings, embeddings=embeddings)).draft("Pantin", track=SECOND_REF)
    value = next(v for v in draft.values if v.id == "convention")
    assert "Modèle de convention d'engagement" in str(value.value) and value.citations, value
    assert "convention" in cited(draft, "convention")[0].quote.lower()
