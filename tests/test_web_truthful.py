"""The web app tells the truth about itself, in a real headless Chromium (issue 33): no usage
analytics reported to Gradio, labels a screen reader reads in French, no control that does nothing,
a corpus tab that names files (never server paths), says when an upload changes nothing and empties
its drop zone once the files are indexed. Files uploaded here are SYNTHETIC."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.test_e2e_browser import SHOTS, browser  # noqa: F401 (fixture)
from tests.test_web_ux import _login

pytestmark = pytest.mark.slow
ENGLISH = re.compile(r"chatbot conversation|user's message|bot's message|File upload|Click to upload|Table actions|"
                     r"Copy table data|Dataframe|Empty value|footer navigation|Share|Repeat")


def test_no_usage_analytics_in_the_served_config(browser, secured) -> None:  # noqa: F811
    url, _ = secured
    page = _login(browser, url, "agent1")
    config = page.request.get(url + "config").json()
    assert config["analytics_enabled"] is False


def _upload(page, files: list, expected: str) -> None:
    """Drop ``files`` in the corpus tab's upload field, add them, wait for ``expected`` in the result."""
    page.locator("input[type=file][multiple]").set_input_files([str(f) for f in files])
    page.get_by_label(files[-1].name, exact=True).wait_for(timeout=30_000)
    page.get_by_role("button", name="Ajouter au corpus").click()
    expect(page.get_by_label("Résultat")).to_have_value(re.compile(expected), timeout=120_000)


def _labels(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('[aria-label],[title]')]
        .filter(e => e.offsetParent !== null)
        .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean)""")


def _unlabelled_buttons(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('button,[role=button]')]
        .filter(e => e.offsetParent !== null && !(e.getAttribute('aria-label') || e.textContent.trim() || e.getAttribute('title')))
        .map(e => e.outerHTML.slice(0, 120))""")


def test_what_a_screen_reader_reads_is_french_and_every_control_is_named(browser, secured) -> None:  # noqa: F811
    url, _ = secured
    page = _login(browser, url, "admin1")
    page.get_by_label("Votre question").fill("Est-ce que Sceaux participe ?")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Sceaux").nth(1).wait_for(timeout=120_000)
    page.wait_for_timeout(1500)  # the labels are rewritten on the next frame
    labels = _labels(page)
    assert any(label.startswith("Votre message : ") for label in labels), labels
    assert any(label.startswith("Réponse de l'assistant : ") for label in labels), labels
    for tab in ("Formulaire d'engagement", "Corpus", "Évaluations"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(1000)
        labels += _labels(page)
        assert _unlabelled_buttons(page) == [], tab
    english = [label for label in labels if ENGLISH.search(label)]
    assert english == []


def test_the_corpus_tab_names_files_and_says_an_identical_upload_changes_nothing(browser, secured, tmp_path) -> None:  # noqa: F811
    url, data = secured
    page = _login(browser, url, "admin1")
    page.get_by_role("tab", name="Corpus").click()
    cells = page.locator("#corpus-table .body-cell:visible")
    cells.first.wait_for(timeout=30_000)
    note = tmp_path / "note_permanence.txt"
    note.write_text("Note SYNTHÉTIQUE : la permanence du service a lieu le jeudi matin.", encoding="utf-8")
    _upload(page, [note], "✅ note_permanence.txt : indexé")
    # The drop zone is empty again once the file is indexed.
    expect(page.get_by_label("note_permanence.txt", exact=True)).to_have_count(0, timeout=30_000)
    texts = cells.all_inner_texts()
    assert "note_permanence.txt" in [t.strip() for t in texts]
    assert not any(str(data) in t or "/uploads/" in t for t in texts), texts
    page.screenshot(path=str(SHOTS / "corpus-file-names-1280x800.png"), full_page=True)

    _upload(page, [note], "note_permanence.txt : inchangé")  # the same bytes again
    assert "nouvelle version" not in page.get_by_label("Résultat").input_value()


def test_the_form_draft_survives_a_reload_with_accounts_and_a_corrected_field_loses_its_error(browser, secured) -> None:  # noqa: F811
    url, _ = secured
    page = _login(browser, url, "agent1")
    page.get_by_role("tab", name=re.compile("Formulaire")).click()
    picker = page.get_by_label("Commune ou EPT")
    picker.click()
    picker.fill("Rueil")
    page.get_by_role("option", name=re.compile("^Rueil-Malmaison")).click()
    page.get_by_text("Établi d'après les documents").wait_for(timeout=60_000)
    page.get_by_label("Agent référent : prénom et nom *").fill("Camille Martin")
    email = page.get_by_label("Agent référent : adresse électronique *")
    email.fill("camille.martin-sans-arobase")
    page.get_by_role("button", name="Préparer le brouillon").click()
    page.get_by_text("figure parmi les bénéficiaires").first.wait_for(timeout=120_000)
    field = page.locator(".invalid", has=email)
    expect(field).to_have_count(1, timeout=30_000)
    email.fill("camille.martin@example.fr")
    page.get_by_role("button", name="Préparer le brouillon").click()
    expect(field).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(1500)  # the browser keeps the draft
    page.reload()
    page.get_by_role("tab", name=re.compile("Formulaire")).click()
    expect(page.get_by_label("Agent référent : prénom et nom *")).to_have_value("Camille Martin", timeout=30_000)
    expect(page.get_by_label("Agent référent : adresse électronique *")).to_have_value("camille.martin@example.fr")
    page.get_by_role("button", name="Effacer le brouillon").click()
    expect(page.get_by_label("Agent référent : prénom et nom *")).to_have_value("", timeout=10_000)


def test_one_document_is_reindexed_on_its_own(browser, secured, tmp_path) -> None:  # noqa: F811
    """Select a row, « Réindexer la sélection »: that document is read again, the others untouched."""
    url, data = secured
    page = _login(browser, url, "admin1")
    page.get_by_role("tab", name="Corpus").click()
    cells = page.locator("#corpus-table .body-cell:visible")
    cells.first.wait_for(timeout=30_000)
    note = tmp_path / "note_accueil.txt"
    note.write_text("Note SYNTHÉTIQUE : l'accueil du public ouvre à 8 h 30.", encoding="utf-8")
    _upload(page, [note], "✅ note_accueil.txt")
    button = page.get_by_role("button", name="Réindexer la sélection")
    expect(button).to_be_disabled()
    page.locator("#corpus-table .body-cell:visible", has_text="note_accueil.txt").first.click()
    expect(button).to_be_enabled(timeout=10_000)
    button.click()
    expect(page.get_by_label("Résultat")).to_have_value(re.compile("Document réindexé : .*\\(note_accueil.txt\\)"),
                                                        timeout=120_000)


def test_the_first_screen_fits_once_the_corpus_grows(browser, secured, tmp_path) -> None:  # noqa: F811
    """More documents than the first screen can name: they are counted by kind, and the examples and
    « Envoyer » stay in view at 1280×800; on a phone an example is still on the first screen."""
    url, _ = secured
    admin = _login(browser, url, "admin1")
    admin.get_by_role("tab", name="Corpus").click()
    notes = []
    for i in range(3):
        note = tmp_path / f"note_service_{i}.txt"
        note.write_text(f"Note SYNTHÉTIQUE n° {i} : le service {i} ouvre le lundi.", encoding="utf-8")
        notes.append(note)
    _upload(admin, notes, "note_service_2.txt : indexé")
    for viewport, name in (({"width": 1280, "height": 800}, "1280x800"), ({"width": 390, "height": 844}, "390x844")):
        page = _login(browser, url, "agent1")
        page.set_viewport_size(viewport)
        welcome = page.get_by_text("Ce qu'il connaît").first
        welcome.wait_for(timeout=30_000)
        text = page.locator("#conversation").inner_text()
        assert "note_service" not in text and re.search(r"\d+ notes", text), text  # counted, not listed
        example = page.locator("#conversation button.example").first
        example.wait_for(timeout=30_000)
        box = example.bounding_box()
        assert box["y"] + box["height"] <= viewport["height"], (name, box)
        told = page.get_by_text("à cliquer").first.bounding_box()  # no empty band between the text and the examples
        assert 0 <= box["y"] - (told["y"] + told["height"]) < 60, (name, told, box)  # nor text under the examples
        if name == "1280x800":
            send = page.get_by_role("button", name="Envoyer").bounding_box()
            assert send["y"] + send["height"] <= viewport["height"], send
        page.screenshot(path=str(SHOTS / f"welcome-grown-{name}.png"))
