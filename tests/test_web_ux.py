"""The web app as a first-time agent and the programme team meet it, in a real headless Chromium
(Debian's package, driven by Playwright) at 1280×800 and 390×844, with an English-language browser
(the page must be French whatever the browser's language). Screenshots: artifacts/screenshots/ux-*.png."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.test_e2e_browser import SHOTS, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _page(browser, url, viewport):  # noqa: F811
    page = browser.new_page(viewport=viewport, locale="en-US")
    page.goto(url)
    page.get_by_text("Bienvenue").first.wait_for(timeout=90_000)
    return page


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= page.viewport_size["height"]


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "1280x800"), (PHONE, "390x844")])
def test_first_screen_explains_and_its_examples_are_answered(browser, server, viewport, name) -> None:  # noqa: F811
    url, _ = server
    page = _page(browser, url, viewport)
    welcome = page.get_by_text("Ce qu'il connaît")
    assert _in_view(page, welcome), "the welcome panel is visible without scrolling"
    assert page.get_by_text("Délibération BM2025/06/24/12").first.is_visible()  # the indexed documents, by title
    example = page.locator("#conversation button", has_text="?").first
    example.wait_for(timeout=10_000)
    assert _in_view(page, example), "an example question is visible without scrolling"
    page.screenshot(path=str(SHOTS / f"ux-welcome-{name}.png"))
    asked = example.inner_text().strip()
    example.click()
    page.locator(".sources mark").first.wait_for(timeout=120_000)  # answered, with its highlighted source
    assert asked.split("?")[0][:20] in page.locator("#conversation").inner_text()
    if viewport is PHONE:  # the sources come right under the answer, before the feedback box
        answer_box = page.locator("#conversation").bounding_box()
        sources_box = page.locator(".sources").first.bounding_box()
        comment_box = page.get_by_label(re.compile("Commentaire")).bounding_box()
        assert answer_box["y"] < sources_box["y"] < comment_box["y"]
    page.screenshot(path=str(SHOTS / f"ux-answer-{name}.png"), full_page=True)
    assert page.locator("[aria-label='Copy message'], [aria-label='More tabs'], [aria-label='Like']").count() == 0


def test_the_conversation_survives_a_reload_until_a_new_one(browser, server) -> None:  # noqa: F811
    url, _ = server
    page = _page(browser, url, DESKTOP)
    page.get_by_label("Votre question").fill("Qui a présidé la séance du Bureau ?")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("présidée par").first.wait_for(timeout=120_000)
    page.wait_for_timeout(800)  # the browser keeps the answer once it is complete
    page.reload()
    page.get_by_text("présidée par").first.wait_for(timeout=60_000)
    assert "Qui a présidé la séance du Bureau" in page.locator("#conversation").inner_text()
    page.get_by_role("button", name="Nouvelle conversation").click()
    page.wait_for_timeout(800)
    page.reload()
    page.get_by_text("Ce qu'il connaît").first.wait_for(timeout=60_000)
    assert "présidée par" not in page.locator("#conversation").inner_text()


def test_a_long_paste_is_announced_and_nothing_turns_red(browser, server) -> None:  # noqa: F811
    url, _ = server
    page = _page(browser, url, PHONE)
    box = page.get_by_label("Votre question")
    box.fill("Est-ce que le programme finance les communes ? " * 70)  # ~3,300 characters
    assert len(box.input_value()) == 2000
    expect(page.get_by_text("limite atteinte")).to_be_visible(timeout=5_000)
    page.get_by_role("button", name="Envoyer").click()
    page.locator(".sources").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text(re.compile(r"^Error$")).count() == 0 and page.locator(".error").count() == 0
    page.screenshot(path=str(SHOTS / "ux-long-paste-390x844.png"), full_page=True)


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "1280x800"), (PHONE, "390x844")])
def test_an_agent_drafts_the_form_for_their_town_typed_as_they_spell_it(browser, server, viewport, name) -> None:  # noqa: F811
    url, _ = server
    page = _page(browser, url, viewport)
    page.get_by_role("tab", name=re.compile("Formulaire")).click()
    picker = page.get_by_label("Commune ou EPT")
    picker.click()
    picker.fill("Rueil")
    page.get_by_role("option", name=re.compile("^Rueil-Malmaison")).click()
    established = page.get_by_text("Établi d'après les documents")
    established.wait_for(timeout=60_000)
    assert "Reuil Malmaison" in page.locator(".sources", has_text="Établi").inner_text()  # the act's spelling, cited
    page.get_by_label("Agent référent : prénom et nom *").fill("Camille Martin")
    page.get_by_label("Agent référent : adresse électronique *").fill("camille.martin@example.fr")
    page.get_by_role("button", name=re.compile("^8. Signature")).first.click()  # a closed section: opened to fill its date
    page.get_by_label("Date *", exact=True).fill("31/02/2026")
    expect(page.get_by_text(re.compile(r"Champs obligatoires remplis : 3 / \d+"))).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Préparer le brouillon").click()
    page.get_by_text("figure parmi les bénéficiaires").first.wait_for(timeout=120_000)
    expect(page.get_by_text(re.compile("date impossible"))).to_have_count(2, timeout=30_000)  # status + under the field
    page.screenshot(path=str(SHOTS / f"ux-form-{name}.png"), full_page=True)
    link = page.get_by_test_id("download-link").last
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"formulaire_engagement_rueil_malmaison_\w+\.docx", download.value.suggested_filename)
    with open(download.value.path(), "rb") as fh:
        document = Document(io.BytesIO(fh.read()))
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Rueil-Malmaison (écrit « Reuil Malmaison » dans la délibération BM2025/06/24/12)" in cells
    page.reload()  # what was typed is kept by this browser
    page.get_by_role("tab", name=re.compile("Formulaire")).click()
    expect(page.get_by_label("Agent référent : prénom et nom *")).to_have_value("Camille Martin", timeout=30_000)
    page.get_by_role("button", name="Effacer le brouillon").click()
    expect(page.get_by_label("Agent référent : prénom et nom *")).to_have_value("", timeout=10_000)


def _login(browser, url, user):  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="en-US")
    page.goto(url)
    page.get_by_label(re.compile("Identifiant|username")).fill(user)
    page.get_by_label(re.compile("Mot de passe|password")).fill(f"{user}-secret")
    page.get_by_role("button", name=re.compile("Se connecter|Login")).click()
    page.get_by_text(f"Connecté : {user}").wait_for(timeout=90_000)
    return page


def test_an_agent_sees_only_their_tabs_their_name_and_can_log_out(browser, secured) -> None:  # noqa: F811
    url, _ = secured
    page = _login(browser, url, "agent1")
    page.wait_for_timeout(1000)
    tabs = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert tabs == ["Assistant", "Formulaire d'engagement"], tabs
    page.screenshot(path=str(SHOTS / "ux-agent-1280x800.png"))
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name=re.compile("Se connecter|Login")).wait_for(timeout=30_000)


def test_the_corpus_tab_lists_each_act_once_and_deletes_the_selected_row(browser, secured, tmp_path) -> None:  # noqa: F811
    url, _ = secured
    page = _login(browser, url, "admin1")
    page.get_by_role("tab", name="Corpus").click()
    def cells(text: str):  # the table Gradio shows (it also keeps a hidden copy to measure columns)
        return page.locator("#corpus-table .body-cell:visible", has_text=text)

    cells("Délibération BM2025/06/24/12").first.wait_for(timeout=30_000)
    assert cells("Délibération BM2025/06/24/12").count() == 1  # its Markdown and PDF copies: one row
    note = tmp_path / "note_de_service.txt"
    note.write_text("Note SYNTHÉTIQUE de service : la permanence a lieu le jeudi.", encoding="utf-8")
    page.locator("input[type=file][multiple]").set_input_files(str(note))
    # The uploaded file's row, labelled with its name (its text « note_de_service », « .txt » is two spans; the
    # whole name shows only during the upload, too briefly for a test process short of CPU).
    page.get_by_label("note_de_service.txt", exact=True).wait_for(timeout=30_000)
    page.get_by_role("button", name="Ajouter au corpus").click()
    expect(page.get_by_label("Résultat")).to_have_value(re.compile("✅ note_de_service.txt"), timeout=120_000)
    page.screenshot(path=str(SHOTS / "ux-corpus-1280x800.png"), full_page=True)
    cells("note_de_service.txt").first.click()
    page.get_by_text("Sélection :").wait_for(timeout=10_000)
    page.get_by_role("button", name="Supprimer la sélection").click()
    page.get_by_role("button", name="Confirmer la suppression").click()
    expect(page.get_by_label("Résultat")).to_have_value(re.compile("Document supprimé"), timeout=120_000)
    expect(cells("note_de_service.txt")).to_have_count(0, timeout=30_000)
