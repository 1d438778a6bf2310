"""The form tab in a real headless Chromium over TWO acts (the bundled corpus plus the SYNTHETIC
second deliberation of tests/test_forms_tracks.py): the track picker lists both, choosing one puts
its act's names first in the commune picker, and the draft is prepared for that track."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import free_port, wait_for_port
from tests.test_e2e_browser import SHOTS, browser  # noqa: F401 (fixture)
from tests.test_forms_tracks import SECOND_REF, SECOND_TRACK, two_acts  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_act_server(two_acts):  # noqa: F811
    port = free_port()
    env = {**os.environ, "MGP_CORPUS_DIR": str(two_acts.corpus_dir), "MGP_DATA_DIR": str(two_acts.data_dir)}
    log = two_acts.data_dir.parent / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_for_port(port, proc, log)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(timeout=20)


def test_agent_chooses_the_track_then_the_commune(browser, two_act_server) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(two_act_server)
    page.get_by_role("tab", name="Formulaire d'engagement").click()
    track = page.get_by_label("Parcours", exact=True)
    track.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=30_000)
    assert any(SECOND_TRACK in t for t in options.all_inner_texts())
    page.get_by_role("option", name=re.compile(re.escape(SECOND_TRACK))).click()
    page.wait_for_timeout(1500)  # the commune picker is refilled for that track
    picker = page.get_by_label("Commune ou EPT")
    picker.click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    assert page.get_by_role("option").first.inner_text().strip() == "Créteil"  # the act's list comes first
    picker.fill("Nanterre")
    page.get_by_role("option", name="Nanterre").click()
    page.get_by_role("button", name="Préparer le brouillon").click()
    page.get_by_text("figure parmi les bénéficiaires").first.wait_for(timeout=120_000)
    assert SECOND_REF in page.get_by_text("figure parmi les bénéficiaires").first.inner_text()
    page.screenshot(path=str(SHOTS / "formulaire-parcours.png"), full_page=True)


def test_the_form_is_worded_for_the_track_chosen(browser, two_act_server) -> None:  # noqa: F811
    """The problem field names the track's subject, the header its act: after choosing the second
    track, nothing asks for an « administration interne » problem nor names only the first act."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(two_act_server)
    page.get_by_role("tab", name="Formulaire d'engagement").click()
    page.get_by_label("Parcours", exact=True).click()
    page.get_by_role("option", name=re.compile(re.escape(SECOND_TRACK))).click()
    page.get_by_role("button", name=re.compile("^4. Projet")).first.click()  # a closed section is not drawn
    # (the accessible name goes on with the help text)
    problem = page.get_by_label(f"Problématique à traiter dans le parcours « {SECOND_TRACK} » *")
    expect(problem).to_have_count(1, timeout=30_000)
    expect(page.get_by_text(re.compile(f"Modèle de travail pour le parcours « {re.escape(SECOND_TRACK)} » "
                                       f"\\(délibération {re.escape(SECOND_REF)}\\)"))).to_be_visible()
    assert page.get_by_text("Problématique d'administration interne à traiter").count() == 0
    page.get_by_label("Parcours", exact=True).click()
    page.get_by_role("option", name=re.compile("Administration Interne")).click()
    expect(page.get_by_label("Problématique d'administration interne à traiter *")).to_have_count(1, timeout=30_000)
