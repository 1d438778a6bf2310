"""The web app through Gradio's Python client against a real server on a free loopback port."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_pdf

pytestmark = pytest.mark.slow


def text_of(message: dict) -> str:
    """Chatbot message content, whether a string or Gradio's list of typed parts."""
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


@pytest.fixture()
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


def test_ask_shows_the_answer_and_its_sources(client) -> None:
    messages, question, sources = client.predict("Est-ce que Rueil-Malmaison participe ?", [], api_name="/ask")
    assert messages[-1]["role"] == "assistant" and "Reuil Malmaison" in text_of(messages[-1])
    assert question == ""
    assert "<mark>" in sources and "Délibération BM2025/06/24/12" in sources and "page 2" in sources


def test_history_is_kept_per_session(client, server) -> None:
    from gradio_client import Client

    client.predict("Est-ce que Vincennes participe ?", [], api_name="/ask")
    messages, _, _ = client.predict("et Sceaux ?", [], api_name="/ask")
    assert text_of(messages[-1]).startswith("Oui. Sceaux")
    other = Client(server[0], verbose=False)  # another browser: no shared history
    messages, _, _ = other.predict("et Sceaux ?", [], api_name="/ask")
    assert len(messages) == 2
    cleared = client.predict(api_name="/new_conversation")
    assert cleared[0] == []


def test_abstention_is_shown_as_such(client) -> None:
    messages, _, sources = client.predict("Quel temps fera-t-il demain ?", [], api_name="/ask")
    assert "Je ne sais pas" in text_of(messages[-1])
    assert "Pas de réponse dans les documents" in sources


def test_feedback_is_stored_with_the_answer(client, server) -> None:
    _, data = server
    client.predict("Le programme est-il gratuit ?", [], api_name="/ask")
    status = client.predict(0, True, "Très clair", api_name="/feedback")
    assert "enregistré" in status
    record = json.loads((data / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "up" and record["comment"] == "Très clair"
    assert record["question"] == "Le programme est-il gratuit ?" and record["citations"]


def test_upload_lists_the_document_and_names_bad_files(client, tmp_path) -> None:
    from gradio_client import handle_file

    good = make_pdf(tmp_path / "note_synthetique.pdf", ["Note SYNTHÉTIQUE de test : le comité se réunit le mardi."],
                    title="Note synthétique de test")
    bad = tmp_path / "casse.pdf"
    bad.write_bytes(b"pas un pdf")
    result, table = client.predict([handle_file(str(good)), handle_file(str(bad))], api_name="/upload")
    assert "✅ note_synthetique.pdf" in result and "❌ casse.pdf" in result and "n'est pas un PDF" in result
    titles = [row[0] for row in table["data"]]
    assert "Note synthétique de test" in titles
    doc_id = next(row[6] for row in table["data"] if row[0] == "Note synthétique de test")
    message, table = client.predict(doc_id, api_name="/delete")
    assert "supprimé" in message and "Note synthétique de test" not in [row[0] for row in table["data"]]


def test_masking_of_personal_data() -> None:
    from ui.access import mask_personal_data

    text = mask_personal_data("Écrivez à jeanne.dupont@mairie-sceaux.fr ou au 01 41 87 03 00 / +33 6 12 34 56 78")
    assert "jeanne" not in text and "41 87" not in text and "12 34" not in text
    assert text.count("[e-mail masqué]") == 1 and text.count("[téléphone masqué]") == 2


def test_password_hashes() -> None:
    from ui.access import hash_password, verify_password

    stored = hash_password("motdepasse-solide")
    assert "motdepasse" not in stored and verify_password("motdepasse-solide", stored)
    assert not verify_password("autre", stored) and not verify_password("x", "garbage")


def test_api_requires_login_and_enforces_roles(secured, tmp_path) -> None:
    import httpx
    from gradio_client import Client, handle_file

    url, data = secured
    with pytest.raises(Exception):
        Client(url, verbose=False).predict("Qui a présidé la séance ?", [], api_name="/ask")
    assert httpx.post(url + "gradio_api/call/ask", json={"data": ["Bonjour ?", []]}).status_code in (401, 403)
    with pytest.raises(Exception):
        Client(url, auth=("agent1", "mauvais"), verbose=False)

    agent = Client(url, auth=("agent1", "agent1-secret"), verbose=False)
    messages, _, _ = agent.predict("Mon e-mail est a.b@ville.fr : qui a présidé la séance ?", [], api_name="/ask")
    assert "Patrick OLLIER" in text_of(messages[-1])
    note = tmp_path / "note.txt"
    note.write_text("Note SYNTHÉTIQUE.", encoding="utf-8")
    for call in (lambda: agent.predict([handle_file(str(note))], api_name="/upload"),
                 lambda: agent.predict(api_name="/reindex"), lambda: agent.predict(api_name="/run_evaluation"),
                 lambda: agent.predict("fiche_programme_appropriation_metropolitaine.md", api_name="/delete")):
        with pytest.raises(Exception, match="administrateurs"):
            call()
    assert agent.predict(api_name="/documents")["data"] == []

    admin = Client(url, auth=("admin1", "admin1-secret"), verbose=False)
    result, table = admin.predict([handle_file(str(note))], api_name="/upload")
    assert "✅ note.txt" in result and len(table["data"]) == 3  # the act (Markdown + PDF), the fiche, the note

    audit = [json.loads(line) for line in (data / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert audit[-1]["user"] == "agent1" and "a.b@ville.fr" not in audit[-1]["question"]
    assert "[e-mail masqué]" in audit[-1]["question"] and audit[-1]["citations"]


def test_feedback_export_gives_reviewable_test_cases(tmp_path) -> None:
    import yaml

    from ui.feedback import PLACEHOLDER, export_feedback

    feedback = tmp_path / "feedback.jsonl"
    records = [
        {"time": "t", "rating": "up", "comment": "", "answer_id": "a" * 32, "question": "Le programme est-il gratuit ?",
         "answer": "…", "abstained": False,
         "citations": [{"document": "fiche_programme_appropriation_metropolitaine.md", "quote": "ouvert gratuitement aux 130 communes"}]},
        {"time": "t", "rating": "up", "comment": "", "answer_id": "b" * 32, "question": "Quel temps fera-t-il ?",
         "answer": "Je ne sais pas", "abstained": True, "citations": []},
        {"time": "t", "rating": "down", "comment": "incomplet", "answer_id": "c" * 32, "question": "Quelles phases ?",
         "answer": "…", "abstained": False, "citations": []},
    ]
    feedback.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "cases.yaml"
    assert export_feedback(feedback, out) == 3
    cases = yaml.safe_load(out.read_text(encoding="utf-8"))["cases"]
    assert cases[0]["sources"][0]["document"] == "fiche_programme_appropriation_metropolitaine"
    assert cases[0]["expected_facts"] == [[PLACEHOLDER]]
    assert cases[1]["must_abstain"] is True and cases[2]["feedback"]["comment"] == "incomplet"
    # Once reviewed (placeholders replaced, feedback block removed) a case loads with the evaluation schema.
    from evals.schema import EvalCase

    reviewed = {k: v for k, v in cases[0].items() if k != "feedback"} | {"expected_facts": [["gratuitement"]]}
    assert EvalCase.model_validate(reviewed).id.startswith("feedback-")


def test_engagement_form_tab_prepares_a_docx(client, server) -> None:
    """The form endpoint through the real server: prefilled, validated, DOCX downloadable, a copy
    kept in the data folder. The agent's answers are synthetic."""
    from docx import Document

    from assistant.forms import load_form
    from tests.conftest import CORPUS

    user_fields = [f.id for f in load_form(CORPUS / "forms" / "formulaire_engagement.yaml").fields() if f.source == "user"]
    given = {"referent_nom": "Camille Martin", "referent_courriel": "pas-une-adresse", "donnees_personnelles": "Non"}
    status, preview, path = client.predict("Rueil-Malmaison", *[given.get(i) for i in user_fields], api_name="/draft_form")
    assert "Rueil-Malmaison" in status and "Reuil Malmaison" in status and "BM2025/06/24/12" in status
    assert "adresse électronique invalide" in status and "À compléter" in status
    assert "Camille Martin" in preview
    text = "\n".join(c.text for t in Document(path).tables for row in t.rows for c in row.cells)
    assert "Rueil-Malmaison (écrit « Reuil Malmaison » dans la délibération BM2025/06/24/12)" in text
    assert "Camille Martin" in text
    kept = list((server[1] / "forms").rglob("formulaire_engagement_rueil_malmaison_*.docx"))
    assert len(kept) == 1 and kept[0].parent.name != "anonyme"  # a hashed per-account folder
    # Gradio's served copy is in the data folder too (GRADIO_TEMP_DIR), not in the system's /tmp.
    assert list((server[1] / "gradio-cache").rglob("formulaire_engagement_rueil_malmaison_*.docx"))
    # « Non » typed in a text field stays text; only yes/no fields turn it into a boolean.
    status, preview, _ = client.predict("Sceaux", *[{"lieu": "Non", "donnees_personnelles": "Non"}.get(i)
                                                   for i in user_fields], api_name="/draft_form")
    assert "Fait à Non" in preview


def test_upload_with_odd_file_names_stays_in_the_upload_folder(client, server, tmp_path) -> None:
    """Names a browser may send: hidden, excluded patterns, unicode, very long, twice the same name.
    Every file is indexed, kept under a safe name inside the uploads folder, and survives a reindex."""
    from gradio_client import handle_file

    from ingest.admin import MAX_NAME_BYTES, safe_file_name

    # Path parts never survive (Gradio strips them too: this is the second line of defence).
    for hostile in ("../../etc/passwd.txt", "..\\..\\boot.ini.txt", "/abs/olu.txt", ".."):
        assert "/" not in safe_file_name(hostile) and "\\" not in safe_file_name(hostile)
        assert not safe_file_name(hostile).startswith(".")
    _, data = server
    names = [".cache.txt", "_brouillon.txt", "README.md", "délibération ünïcode 😀.txt", "é" * 100 + ".txt"]
    files = []
    for i, name in enumerate(names):
        path = tmp_path / name
        path.write_text(f"Note SYNTHÉTIQUE {i} : le registre des essais {i} est tenu au greffe.", encoding="utf-8")
        files.append(path)
    for i in (1, 2):  # two different files with one name in the same upload
        folder = tmp_path / f"dossier{i}"
        folder.mkdir()
        (folder / "note.txt").write_text(f"Note SYNTHÉTIQUE du dossier {i} : sujet {i}.", encoding="utf-8")
        files.append(folder / "note.txt")
    before = len(client.predict(api_name="/documents")["data"])
    result, table = client.predict([handle_file(str(f)) for f in files], api_name="/upload")
    assert result.count("✅") == len(files) and "❌" not in result and "⚠️" not in result
    assert "enregistré sous « note (2).txt »" in result
    assert len(table["data"]) == before + len(files)
    uploads = data / "uploads"
    stored = sorted(p.name for p in uploads.iterdir())
    assert len(stored) == len(files) and all(not n.startswith((".", "_")) for n in stored)
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in stored)
    assert "délibération ünïcode.txt" in stored and "document-README.md" in stored
    shown = "\n".join(row[6] for row in table["data"])  # file names, never a server path
    assert str(uploads) not in shown and str(data) not in shown and "/" not in shown
    assert all(name in shown.splitlines() for name in stored)
    message, table = client.predict(api_name="/reindex")  # excluded-looking names would be dropped here
    assert len(table["data"]) == before + len(files) and "0 supprimés" in message

    # A later batch: two new « note.txt » and a name made of a symbol. The renamed ones must not
    # replace the earlier « note (2).txt » nor any other earlier upload.
    earlier = (uploads / "note (2).txt").read_bytes()
    later = []
    for i in (3, 4):
        folder = tmp_path / f"lot2-{i}"
        folder.mkdir()
        (folder / "note.txt").write_text(f"Note SYNTHÉTIQUE du second lot {i} : sujet {i}.", encoding="utf-8")
        later.append(folder / "note.txt")
    symbol = tmp_path / "😀.txt"
    symbol.write_text("Note SYNTHÉTIQUE au nom fait d'un symbole : sujet 5.", encoding="utf-8")
    result, _ = client.predict([handle_file(str(f)) for f in later + [symbol]], api_name="/upload")
    assert result.count("✅") == 3, result
    assert (uploads / "note (2).txt").read_bytes() == earlier
    assert "nouvelle version indexée" in result.splitlines()[0]  # « note.txt » as sent: its new version
    assert "enregistré sous « note (3).txt »" in result and "enregistré sous « document.txt »" in result


def test_upload_of_a_broken_new_version_or_a_duplicate_loses_nothing(client, server, tmp_path) -> None:
    from gradio_client import handle_file

    from tests.conftest import FICHE_MD

    _, data = server
    good = make_pdf(tmp_path / "calendrier.pdf", ["Calendrier SYNTHÉTIQUE : la revue des essais a lieu en mars."],
                    title="Calendrier synthétique")
    result, _ = client.predict([handle_file(str(good))], api_name="/upload")
    assert "✅ calendrier.pdf : indexé" in result
    broken_dir = tmp_path / "v2"
    broken_dir.mkdir()
    broken = broken_dir / "calendrier.pdf"
    broken.write_bytes(good.read_bytes()[:300])  # a truncated copy
    copy = tmp_path / "fiche_en_double.md"
    copy.write_bytes(FICHE_MD.read_bytes())
    result, table = client.predict([handle_file(str(broken)), handle_file(str(copy))], api_name="/upload")
    assert "❌ calendrier.pdf : PDF corrompu" in result and "la version précédente est conservée" in result
    assert "⚠️ fiche_en_double.md : contenu identique à « fiche_programme_appropriation_metropolitaine.md »" in result
    assert (data / "uploads" / "calendrier.pdf").read_bytes() == good.read_bytes()
    assert not (data / "uploads" / "fiche_en_double.md").exists()
    assert not [p for p in (data / "uploads").iterdir() if p.name.startswith(".")]  # no backup left
    titles = [row[0] for row in table["data"]]
    assert "Calendrier synthétique" in titles and titles.count(titles[0]) == 1
    messages, _, _ = client.predict("Quand a lieu la revue des essais ?", [], api_name="/ask")
    assert "mars" in text_of(messages[-1])
    # A good new version replaces the old one.
    fixed = make_pdf(broken, ["Calendrier SYNTHÉTIQUE : la revue des essais a lieu en avril."],
                     title="Calendrier synthétique")
    result, table = client.predict([handle_file(str(fixed))], api_name="/upload")
    assert "✅ calendrier.pdf : nouvelle version indexée" in result
    messages, _, _ = client.predict("Quand a lieu la revue des essais ?", [], api_name="/ask")
    assert "avril" in text_of(messages[-1]) and "mars" not in text_of(messages[-1])


def test_audit_and_feedback_mask_what_users_type_about_themselves(client, server) -> None:
    _, data = server
    typed = "Je m'appelle Camille Martin (06 12 34 56 78) : Patrick OLLIER a-t-il présidé la séance ?"
    messages, _, _ = client.predict(typed, [], api_name="/ask")
    assert "Patrick OLLIER" in text_of(messages[-1])  # the answer is not degraded by the masking
    client.predict(0, False, "Rappelez Mme Durand au 01 23 45 67 89", api_name="/feedback")
    audit = json.loads((data / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    feedback = json.loads((data / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    stored = json.dumps([audit, feedback], ensure_ascii=False)
    for secret in ("Camille", "Martin", "12 34", "Durand", "45 67"):
        assert secret not in stored
    assert "Patrick OLLIER" in audit["question"]  # a name the deliberation publishes stays readable
    assert audit["question"].startswith("Je m'appelle [nom masqué]")
    log = (data / "logs" / "mgp.log")
    assert not log.exists() or "Camille" not in log.read_text(encoding="utf-8")


def test_two_admins_uploading_one_name_at_once_leave_one_consistent_version(server, tmp_path) -> None:
    import threading

    from gradio_client import Client, handle_file

    url, data = server
    versions = []
    for word in ("lundi", "vendredi"):
        folder = tmp_path / word
        folder.mkdir()
        path = folder / "permanence.txt"
        path.write_text(f"Note SYNTHÉTIQUE : la permanence du référent a lieu le {word}.", encoding="utf-8")
        versions.append(path)
    results: list[str] = []

    def send(path) -> None:
        result, _ = Client(url, verbose=False).predict([handle_file(str(path))], api_name="/upload")
        results.append(result)

    threads = [threading.Thread(target=send, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.split(" : ")[1] for r in results) == ["indexé", "nouvelle version indexée"]
    on_disk = (data / "uploads" / "permanence.txt").read_text(encoding="utf-8")
    assert on_disk in [v.read_text(encoding="utf-8") for v in versions]
    assert not [p for p in (data / "uploads").iterdir() if p.name.startswith(".")]
    messages, _, _ = Client(url, verbose=False).predict("Quel jour a lieu la permanence du référent ?", [], api_name="/ask")
    day = "lundi" if "lundi" in on_disk else "vendredi"
    assert day in text_of(messages[-1])  # the index holds the version the folder holds

    # Two broken new versions at once: the version in place survives both.
    results.clear()
    broken = []
    for i in (1, 2):
        folder = tmp_path / f"casse{i}"
        folder.mkdir()
        (folder / "permanence.txt").write_bytes(b"\x00\x01binaire" * 50)
        broken.append(folder / "permanence.txt")
    threads = [threading.Thread(target=send, args=(b,)) for b in broken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("❌ permanence.txt" in r and "la version précédente est conservée" in r for r in results), results
    assert (data / "uploads" / "permanence.txt").read_text(encoding="utf-8") == on_disk
    messages, _, _ = Client(url, verbose=False).predict("Quel jour a lieu la permanence du référent ?", [], api_name="/ask")
    assert day in text_of(messages[-1])
