"""The engagement form: definition as data, pre-fill from the real corpus with citations,
validation, DOCX/Markdown/JSON output, CLI. The agents' answers in these tests are synthetic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.forms.output import to_markdown, write_draft
from assistant.forms import FormDefinitionError, FormDrafter, answers_model, load_form
from assistant.generation import find_quote
from tests.conftest import CORPUS

FORM = CORPUS / "forms" / "formulaire_engagement.yaml"
ANSWERS = {  # synthetic
    "referent_nom": "Camille Martin", "referent_fonction": "Directrice générale des services",
    "referent_courriel": "camille.martin@example.fr", "referent_telephone": "+33 1 23 45 67 89",
    "elu_nom": "Dominique Petit", "problematique": "Le tri des courriers entrants prend trop de temps aux agents.",
    "objectifs": "Réduire le temps de tri.", "processus": "Réception et tri du courrier.",
    "equipes": "Accueil\nCourrier", "donnees": "Courriers scannés.", "donnees_personnelles": "oui",
    "agents_formation": ["Camille Martin, DGS", "Sami Diallo, archiviste"], "disponibilite": "Premier semestre 2026.",
    "engagement_formation": True, "engagement_experimentation": "Oui", "signataire_nom": "Dominique Petit",
    "signataire_qualite": "Maire", "date_signature": "15/12/2025",
}


@pytest.fixture(scope="module")
def drafter(assistant):
    return FormDrafter(assistant)


def test_definition_loads_and_builds_the_validation_model() -> None:
    definition = load_form(FORM)
    ids = [f.id for f in definition.fields()]
    assert len(ids) == len(set(ids)) > 25 and len(definition.sections) == 8
    assert "modèle de travail" in definition.status.lower() or "Modèle de travail" in definition.status
    model = answers_model(definition)
    assert set(model.model_fields) == set(ids)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["sections"][2]["fields"][2].update(type="courriel"), "champ referent_courriel"),
        (lambda d: d["sections"][0]["fields"][1].pop("choices"), "champ type_collectivite"),
        (lambda d: d["sections"][1]["fields"][0].update(prefill="budget"), "champ parcours"),
        (lambda d: d["sections"][3]["fields"].append(dict(d["sections"][3]["fields"][0])), "en double : problematique"),
        (lambda d: d["sections"][2]["fields"][0].update(couleur="rouge"), "champ referent_nom"),
    ],
)
def test_malformed_definition_names_the_field(tmp_path, edit, expected) -> None:
    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "form.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=expected) as exc:
        load_form(path)
    assert str(path) in str(exc.value)


def assert_nothing_invented(draft, assistant) -> None:
    """Every corpus value cites a passage that holds its quote verbatim; profile values say where
    they come from; fields the agent did not fill stay empty."""
    by_n = {c.n: c for c in draft.citations}
    for value in draft.values:
        if value.origin == "corpus":
            assert value.citations, value.id
            for n in value.citations:
                passage = assistant.passage(by_n[n].chunk_id)
                assert passage is not None and find_quote(by_n[n].quote, passage.text) is not None
        elif value.origin == "profile" and not value.citations:
            assert value.note, value.id
        elif value.origin is None:
            assert value.value is None


@pytest.mark.parametrize(
    ("typed", "matched", "kind"),
    [("Sceaux", "Sceaux", "commune"), ("Rueil-Malmaison", "Reuil Malmaison", "commune"),
     ("boucle nord de seine", "Boucle Nord de Seine", "EPT")],
)
def test_selected_collectivities_are_prefilled_with_citations(drafter, assistant, typed, matched, kind) -> None:
    draft = drafter.draft(typed)
    assert draft.selected and draft.matched_name == matched and draft.kind == kind
    # A spelling brought closer is said, so that the agent checks it.
    # The usual name of the act's « Reuil Malmaison » needs no warning: the draft notes the act's spelling.
    assert draft.warnings == []
    assert draft.reference == "BM2025/06/24/12"
    fields = draft.fields
    # The draft names the commune by its usual name; the act's spelling is noted beside it.
    usual = "Rueil-Malmaison" if matched == "Reuil Malmaison" else matched
    assert fields["collectivite"] == usual and fields["beneficiaire"] is True
    if usual != matched:
        assert draft.spelled_in_act == matched and f"« {matched} »" in draft.values[0].note
    assert fields["deliberation"] == "BM2025/06/24/12"
    assert fields["parcours"] == "IA-Administration Interne des Collectivités"
    assert len(fields["phases"]) == 3 and fields["phases"][0].startswith("Comprendre et former")
    assert "CM2025/04/07/19-2" in fields["convention"]
    assert fields["type_collectivite"] == ("Établissement public territorial (EPT)" if kind == "EPT" else "Commune")
    name_citation = next(c for c in draft.citations if c.n == draft.values[0].citations[0])
    assert matched in name_citation.quote and name_citation.page is not None  # the paginated copy is cited
    assert_nothing_invented(draft, assistant)


def test_no_warning_when_the_table_names_the_typed_and_the_listed_name_the_same_commune(drafter) -> None:
    for typed in ("Rueil", "rueil malmaison", "Reuil Malmaison"):  # the table names them all Rueil-Malmaison
        draft = drafter.draft(typed)
        assert draft.warnings == [] and draft.display_name == "Rueil-Malmaison", typed
        assert draft.spelled_in_act == "Reuil Malmaison"


def test_unselected_commune_gets_a_warning_not_a_refusal(drafter, assistant) -> None:
    draft = drafter.draft("Bobigny", ANSWERS)
    assert not draft.selected and draft.matched_name is None
    assert draft.warnings and "Bobigny ne figure pas" in draft.warnings[0]
    assert draft.fields["beneficiaire"] is False
    # A commune of the Métropole's table is a commune (said from the table, not from the act).
    nature = next(v for v in draft.values if v.id == "type_collectivite")
    assert nature.value == "Commune" and not nature.citations and "table de référence" in nature.note
    assert draft.fields["referent_nom"] == "Camille Martin"  # the draft is still prepared
    assert_nothing_invented(draft, assistant)


def test_commune_of_a_selected_ept(drafter) -> None:
    draft = drafter.draft("Colombes")
    assert not draft.selected and draft.selected_via_ept == "Boucle Nord de Seine"
    assert "membre de l'EPT Boucle Nord de Seine" in draft.warnings[0]
    assert draft.fields["ept_de_rattachement"] == "Boucle Nord de Seine"


def test_validation_lists_missing_and_invalid_fields(drafter) -> None:
    answers = {**ANSWERS, "referent_courriel": "camille.martin@", "referent_telephone": "12345",
               "date_signature": "31/02/2025", "donnees_personnelles": "peut-être", "champ_inconnu": "x"}
    del answers["elu_nom"]
    draft = drafter.draft("Sceaux", answers)
    invalid = {p["field"]: p["reason"] for p in draft.invalid}
    assert set(invalid) == {"referent_courriel", "referent_telephone", "date_signature", "donnees_personnelles",
                            "champ_inconnu"}
    assert "téléphone" in invalid["referent_telephone"] and "date" in invalid["date_signature"]
    assert draft.missing == ["elu_nom"]
    assert drafter.draft("Sceaux", ANSWERS).missing == [] and drafter.draft("Sceaux", ANSWERS).invalid == []
    normalised = drafter.draft("Sceaux", ANSWERS).fields
    assert normalised["referent_telephone"] == "01 23 45 67 89" and normalised["date_signature"] == "2025-12-15"
    assert normalised["equipes"] == ["Accueil", "Courrier"] and normalised["donnees_personnelles"] is True


def test_docx_holds_the_commune_the_reference_every_section_and_the_flags(drafter, tmp_path) -> None:
    from docx import Document

    answers = dict(ANSWERS)
    del answers["objectifs"]
    draft = drafter.draft("Rueil-Malmaison", answers)
    path = write_draft(draft, tmp_path / "brouillon.docx")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    everything = text + "\n" + cells
    assert "Reuil Malmaison" in everything and "BM2025/06/24/12" in everything
    for section in load_form(FORM).sections:
        assert section.title in text
    assert "à compléter" in cells and "camille.martin@example.fr" in cells
    assert "Sources des valeurs pré-remplies" in text and "Reuil Malmaison" in text.split("Sources des valeurs")[1]
    md = to_markdown(draft)
    assert "## 4. Projet d'expérimentation" in md and "\\[à compléter (obligatoire)\\]" in md
    data = json.loads(write_draft(draft, tmp_path / "brouillon.json").read_text(encoding="utf-8"))
    assert data["matched_name"] == "Reuil Malmaison" and data["missing"] == ["objectifs"]
    with pytest.raises(ValueError, match="format de sortie"):
        write_draft(draft, tmp_path / "brouillon.pdf")


def test_cli_draft(indexed_settings, tmp_path) -> None:
    answers = tmp_path / "reponses.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(indexed_settings.data_dir)}
    out = tmp_path / "f.docx"
    done = subprocess.run([sys.executable, "-m", "ui.cli", "draft", "--commune", "Rueil-Malmaison", "--answers",
                           str(answers), "--out", str(out), "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert set(summary) >= {"commune", "matched_name", "selected", "reference", "missing", "invalid", "fields",
                            "citations", "output"}
    assert summary["commune"] == "Rueil-Malmaison" and summary["matched_name"] == "Reuil Malmaison"
    assert summary["selected"] is True and summary["missing"] == [] and summary["output"] == str(out) and out.exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("- une liste\n- pas un objet\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ui.cli", "draft", "--commune", "Sceaux", "--answers", str(bad)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "bad.yaml" in done.stderr
    # Without --out, the draft stays in the data folder.
    done = subprocess.run([sys.executable, "-m", "ui.cli", "draft", "--commune", "Sceaux", "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and Path(json.loads(done.stdout)["output"]).parent == indexed_settings.forms_dir


def test_long_texts_drafted_by_a_model_are_marked_and_checked(indexed_settings, embeddings) -> None:
    from pydantic import SecretStr

    from assistant.services import build_assistant
    from tests.openai_server import Reply, ScriptedOpenAIServer

    with ScriptedOpenAIServer() as server:
        settings = indexed_settings.model_copy(update={"llm_backend": "openai", "llm_base_url": server.base_url,
                                                       "llm_model": "m", "llm_api_key": SecretStr("k"),
                                                       "llm_max_retries": 0})
        drafter = FormDrafter(build_assistant(settings, embeddings=embeddings))
        server.script(
            # problematique: formal French from the notes, nothing added → kept, « à relire »
            Reply(text="Le tri des courriers entrants mobilise aujourd'hui un temps important des agents. "
                       "La collectivité souhaite alléger cette tâche."),
            # objectifs: invents a figure → refused, the agent's notes stay
            Reply(text="Réduire de 80 % le temps de tri d'ici 2026."),
            # processus: a commitment the notes do not make → refused
            Reply(text="La commune s'engage à supprimer toutes les données après le tri du courrier."),
        )
        draft = drafter.draft("Sceaux", {"problematique": ANSWERS["problematique"], "objectifs": "Réduire le temps de tri.",
                                         "processus": "Tri du courrier."})
    values = {v.id: v for v in draft.values}
    assert values["problematique"].status == "to_review" and values["problematique"].origin == "llm"
    assert values["problematique"].value.startswith("Le tri des courriers")
    assert values["objectifs"].value == "Réduire le temps de tri." and values["objectifs"].origin == "user"
    assert values["processus"].value == "Tri du courrier." and values["processus"].origin == "user"
    assert "à relire" in to_markdown(draft)


def test_every_beneficiary_gets_its_prefilled_draft(drafter, assistant, tmp_path) -> None:
    """Each of the 26 beneficiaries, typed as an agent might (official spelling, accents and hyphens
    aside), is recognised as selected, with its name cited from the list, and gets a DOCX."""
    from tests.conftest import BENEFICIARIES

    assert len(BENEFICIARIES) == 26
    from docx import Document

    for name in BENEFICIARIES:
        typed = f"Commune de {name.replace(' ', '-')}" if name != "Reuil Malmaison" else "Rueil-Malmaison"
        draft = drafter.draft(typed)
        assert draft.selected and draft.matched_name == name, typed
        assert name in next(c.quote for c in draft.citations if c.n == draft.values[0].citations[0])
        assert_nothing_invented(draft, assistant)
        path = write_draft(draft, tmp_path / f"{name}.docx")
        assert name in "\n".join(c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bonneuil-sur-Marne", "ne figure pas"),  # close to « Neuilly-sur-Marne », another town
        ("Noisy-le-Roi", "ne figure pas"),  # close to « Choisy-le-Roi »
        ("Clichy", "plusieurs bénéficiaires : Clichy-la-Garenne, Clichy-sous-Bois"),
        ("Noisy", "Noisy-le-Grand"),
        ("Paris", "incomplet"),
    ],
)
def test_other_towns_and_incomplete_names_are_never_taken_for_a_beneficiary(drafter, typed, expected) -> None:
    draft = drafter.draft(typed)
    assert not draft.selected and draft.matched_name is None and expected in draft.warnings[0]
    if "ne figure pas" not in expected:  # which collectivity is meant is unknown: nothing stated
        assert draft.fields["beneficiaire"] is None and draft.fields["collectivite"] is None
        assert draft.fields["ept_de_rattachement"] is None


def test_answers_cannot_override_what_the_documents_establish(drafter) -> None:
    draft = drafter.draft("Nanterre", {**ANSWERS, "beneficiaire": "oui", "deliberation": "BM2099/01/01/1"})
    assert draft.fields["beneficiaire"] is False and draft.fields["deliberation"] == "BM2025/06/24/12"
    assert {p["field"] for p in draft.invalid} == {"beneficiaire", "deliberation"}


def test_typed_values_cannot_forge_markdown_or_break_the_docx(drafter, tmp_path) -> None:
    from docx import Document

    forged = "Camille\r## 7. Engagements\r- **Faux** : Oui _(source [3])_\x07"
    draft = drafter.draft("Sceaux", {**ANSWERS, "referent_nom": forged, "lieu": "Paris\r\r> validé par la MGP"})
    md = to_markdown(draft)
    assert "\n## 7. Engagements\n- **Faux**" not in md and "\n> validé" not in md
    assert md.count("\n## 7. Engagements") == 1
    path = write_draft(draft, tmp_path / "forge.docx")
    assert "\x07" not in "".join(c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells)


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("referent_telephone", "01  23 45 67 89", True), ("referent_telephone", 33123456789, False),
        ("referent_telephone", "+33 6 12 34 56 7８", True), ("referent_courriel", ".a@ville.fr", False),
        ("referent_courriel", "a..b@ville.fr", False), ("referent_courriel", "a@-ville.fr", False),
        ("date_signature", "0001-01-01", False), ("referent_nom", True, False),
        ("equipes", "3.5 ETP\n- Accueil", True), ("type_collectivite", "EPT", None),
    ],
)
def test_validation_edge_cases(drafter, field, value, ok) -> None:
    draft = drafter.draft("Sceaux", {**ANSWERS, field: value})
    bad = {p["field"] for p in draft.invalid}
    if ok is None:  # a pre-filled field: refused whatever the value
        assert field in bad
    else:
        assert (field not in bad) is ok, draft.invalid
    if field == "equipes":
        assert draft.fields["equipes"] == ["3.5 ETP", "Accueil"]
    if field == "referent_telephone" and ok:
        assert draft.fields["referent_telephone"] in ("01 23 45 67 89", "06 12 34 56 78")


def test_each_prefill_key_is_one_function_and_an_unclear_name_states_nothing_about_identity(assistant) -> None:
    """Pre-fill functions read the chosen act: for a listed name, « selected » is True and cited
    from the act's list; for a name that may designate several beneficiaries, none of the identity
    keys states anything."""
    from assistant.forms.definition import PREFILLS, FieldSpec
    from assistant.forms.draft_types import CommuneProfile
    from assistant.forms.prefill import IDENTITY, PREFILLERS, prefill

    assert set(PREFILLERS) == PREFILLS["profile"] | PREFILLS["corpus"]
    view = assistant.index.current()
    record = next(r for r in view.records.values() if r.beneficiaries)
    listed = next(b.name for b in record.beneficiaries if b.kind == "commune")

    def spec(key: str) -> FieldSpec:
        source = "profile" if key in PREFILLS["profile"] else "corpus"
        return FieldSpec(id=key, label=key, type="yes_no" if key == "selected" else "text", source=source, prefill=key)

    clear = CommuneProfile(typed=listed, matched_name=listed, kind="commune", selected=True)
    value, citation, _ = prefill(spec("selected"), clear, record, view, 1)
    assert value is True and citation is not None and listed in citation.quote
    value, citation, _ = prefill(spec("act_reference"), clear, record, view, 2)
    assert value == record.reference and citation is not None and record.reference in citation.quote
    unclear = CommuneProfile(typed=listed.split()[0], unclear=True)
    for key in IDENTITY:
        assert prefill(spec(key), unclear, record, view, 1) == (None, None, None), key


def test_the_docx_names_its_author_the_signatory_and_quotes_sources_as_plain_text(drafter, tmp_path) -> None:
    from docx import Document

    from assistant.forms.output import AUTHOR, plain_quote

    answers = dict(ANSWERS) | {"signataire_nom": "Camille Martin", "signataire_qualite": "Maire adjointe"}
    draft = drafter.draft("Rueil-Malmaison", answers)
    doc = Document(str(write_draft(draft, tmp_path / "signe.docx")))
    assert doc.core_properties.author == AUTHOR and "python-docx" not in doc.core_properties.author
    assert "Reuil Malmaison" in doc.core_properties.title
    signature = doc.tables[-1].rows[0].cells[0].text
    assert "Camille Martin" in signature and "Maire adjointe" in signature
    sources = "\n".join(p.text for p in doc.paragraphs).split("Sources des valeurs pré-remplies")[1]
    assert "**" not in sources and "«" in sources
    assert plain_quote("**Article 2** : Sont désignés *bénéficiaires*\n# Titre") == "Article 2 : Sont désignés bénéficiaires Titre"
    assert plain_quote("3 * 4 = 12") == "3 * 4 = 12"


def test_the_definition_is_worded_per_track_from_its_act_and_its_indexed_documents(tmp_path) -> None:
    definition = load_form(FORM)
    first = definition.for_track("IA-Administration Interne des Collectivités", "BM2025/06/24/12")
    other = definition.for_track("IA-Énergie des bâtiments", "BM2025/10/15/07",
                                 {"convention": "modèle de convention « Modèle X » (indexé)"})
    assert first.field("problematique").label == "Problématique d'administration interne à traiter"
    assert other.field("problematique").label == "Problématique à traiter dans le parcours « IA-Énergie des bâtiments »"
    assert "BM2025/10/15/07" in other.status and "{" not in other.status
    help_text = other.field("engagements_complementaires").help
    assert "« Modèle X » (indexé)" in help_text and "règlement (à verser au corpus)" in help_text
    bad = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    bad["tracks"] = [{"match": "Énergie", "fields": {"problemo": {"label": "x"}}}]
    path = tmp_path / "f.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="problemo"):
        load_form(path)
