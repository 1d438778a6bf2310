"""End to end in a real headless Chromium (Debian's package, driven by Playwright; no browser
download): ask, read the sources, give feedback, log in as admin, upload a PDF and see it listed.
Screenshots of the main screens go to artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import REPO, make_pdf

pytestmark = pytest.mark.slow
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium package is required (installed by .ci/run): apt-get install chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_ask_read_sources_and_give_feedback(browser, server) -> None:
    url, data = server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.get_by_label("Votre question").fill("Est-ce que Rueil-Malmaison participe ?")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("orthographe de la délibération").first.wait_for(timeout=120_000)
    sources = page.locator(".sources")
    sources.locator("mark").first.wait_for(timeout=10_000)
    assert "Reuil Malmaison" in sources.inner_text() and "page 2" in sources.inner_text()
    page.screenshot(path=str(SHOTS / "assistant-1280x800.png"), full_page=True)

    before = (data / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").count("\n") if (data / "feedback" / "feedback.jsonl").exists() else 0
    page.get_by_label("Commentaire (facultatif) joint à votre avis (pouce levé ou baissé sous la réponse)").fill("Réponse utile")
    page.get_by_role("button", name="J'aime").last.click()  # Gradio's « Like », in French
    page.get_by_text("votre retour est enregistré").wait_for(timeout=10_000)
    lines = (data / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 1
    record = json.loads(lines[-1])
    assert record["rating"] == "up" and record["comment"] == "Réponse utile"

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(url)
    phone.get_by_label("Votre question").fill("Quel temps fera-t-il demain ?")
    phone.get_by_label("Votre question").press("Enter")
    phone.get_by_text("Je ne sais pas").first.wait_for(timeout=120_000)
    phone.screenshot(path=str(SHOTS / "assistant-phone-390.png"), full_page=True)


def test_admin_logs_in_and_uploads_a_pdf(browser, secured, tmp_path) -> None:
    url, _ = secured
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.get_by_label(re.compile("Identifiant|username")).fill("admin1")
    page.get_by_label(re.compile("Mot de passe|password")).fill("admin1-secret")
    page.get_by_role("button", name=re.compile("Se connecter|Login")).click()
    page.get_by_role("tab", name="Corpus").click()
    pdf = make_pdf(tmp_path / "compte_rendu_atelier.pdf", ["Compte rendu SYNTHÉTIQUE d'un atelier de test."],
                   title="Compte rendu d'atelier (test)")
    page.locator("input[type=file][multiple]").set_input_files(str(pdf))  # the upload field (not the table's CSV import)
    # The uploaded file's row in the field, labelled with its name: it appears once the server has the file. Its
    # visible text is no match (« compte_rendu_atelier », « .pdf »: two spans); the text « compte_rendu_atelier.pdf »
    # is only shown during the upload (~30 ms), which a test process short of CPU polls too late.
    page.get_by_label("compte_rendu_atelier.pdf", exact=True).wait_for(timeout=30_000)
    page.get_by_role("button", name="Ajouter au corpus").click()
    expect(page.get_by_label("Résultat")).to_have_value(re.compile("✅ compte_rendu_atelier.pdf : indexé"), timeout=120_000)
    # A visible cell of the corpus table: the hidden Assistant tab's first screen may list the title too (after a
    # reload), and Gradio keeps a hidden copy of the table to measure its columns.
    page.locator("#corpus-table .body-cell:visible", has_text="Compte rendu d'atelier (test)").first.wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / "corpus-admin.png"), full_page=True)
    page.get_by_role("tab", name="Évaluations").click()
    page.get_by_role("button", name="Lancer l'évaluation").click()
    page.get_by_text("Dernière évaluation").wait_for(timeout=180_000)
    assert page.locator("svg[aria-label=Scores]").count() >= 1
    # What the figures cover: the test set by name, and the uploaded document flagged as having no case.
    covered = page.locator(".coverage").inner_text()
    assert "evals/testset.yaml" in covered and "sans aucun cas" in covered, covered
    assert "Compte rendu d'atelier (test)" in covered.split("sans aucun cas")[1], covered
    page.screenshot(path=str(SHOTS / "evaluations-admin.png"), full_page=True)

    # The team writes a case for the new document, then re-runs: it is covered.
    page.get_by_role("button", name=re.compile("Ajouter un cas de test")).click()
    page.get_by_role("textbox", name=re.compile("^Question")).fill("De quoi le compte rendu de l'atelier de test rend-il compte ?")
    page.get_by_label("Faits attendus").fill("atelier de test")
    page.get_by_label("Passage du document qui contient ces faits").fill("un atelier de test")
    page.get_by_role("button", name="Ajouter le cas").click()
    page.get_by_text(re.compile("Document : choisissez")).first.wait_for(timeout=30_000)  # no document chosen: said
    page.get_by_label("Document qui répond").click()
    page.get_by_role("option", name="compte_rendu_atelier.pdf").click()
    page.get_by_role("button", name="Ajouter le cas").click()
    page.get_by_text(re.compile("Cas ajouté")).wait_for(timeout=30_000)
    page.get_by_role("button", name="Lancer l'évaluation").click()
    expect(page.locator(".coverage")).to_contain_text("1 cas ajoutés par l'équipe", timeout=180_000)
    assert "Compte rendu d'atelier" not in page.locator(".coverage").inner_text()


def test_agent_does_not_see_admin_tabs(browser, secured) -> None:
    url, _ = secured
    page = browser.new_page()
    page.goto(url)
    page.get_by_label(re.compile("Identifiant|username")).fill("agent1")
    page.get_by_label(re.compile("Mot de passe|password")).fill("agent1-secret")
    page.get_by_role("button", name=re.compile("Se connecter|Login")).click()
    page.get_by_label("Votre question").wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    assert page.get_by_role("tab", name="Corpus").count() == 0 and page.get_by_role("tab", name="Évaluations").count() == 0
    assert not page.get_by_role("button", name="Ajouter au corpus").is_visible()
    page.screenshot(path=str(SHOTS / "corpus-agent.png"))


def test_agent_prepares_the_engagement_form(browser, server) -> None:
    url, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_role("tab", name="Formulaire d'engagement").click()
    picker = page.get_by_label("Commune ou EPT")
    picker.click()
    picker.fill("Rueil")  # as the agent spells it; the act writes « Reuil Malmaison »
    page.get_by_role("option", name=re.compile("^Rueil-Malmaison")).click()
    page.get_by_label("Agent référent : prénom et nom *").fill("Camille Martin")
    page.get_by_label("Agent référent : adresse électronique *").fill("camille.martin@example.fr")
    page.get_by_role("button", name="Préparer le brouillon").click()
    page.get_by_text("figure parmi les bénéficiaires").first.wait_for(timeout=120_000)
    page.get_by_text(re.compile("À compléter :")).first.wait_for(timeout=10_000)  # what is still missing
    page.get_by_label(re.compile(r"formulaire_engagement_rueil_malmaison_\w+\.docx")).wait_for(timeout=30_000)
    link = page.get_by_test_id("download-link").last
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"formulaire_engagement_rueil_malmaison_\w+\.docx", download.value.suggested_filename)
    page.screenshot(path=str(SHOTS / "formulaire-engagement.png"), full_page=True)
