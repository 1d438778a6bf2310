"""What the web app keeps in the browser and reads back (in-process, no browser): it belongs to one
account, and what comes back from the browser is checked, never trusted. Also the first screen's
resilience and the corpus rows. Answers and typed values here are synthetic."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.communes import resolve_name


@pytest.fixture(scope="module")
def web(indexed_settings, assistant, tmp_path_factory):
    from assistant.services import Services
    from ui.access import UserDirectory
    from ui.web import WebApp

    users = tmp_path_factory.mktemp("accounts") / "users.yaml"
    for name in ("agent.a", "agent.b"):
        UserDirectory.add(users, name, f"{name}-secret", "agent")
    settings = indexed_settings.model_copy(update={"ui_users": users})
    app = WebApp(Services(settings, assistant.embeddings, assistant))
    app.form._fields = [f for f in app.form.form_definition().fields() if f.source == "user"]
    return app


def _as(name: str):
    return SimpleNamespace(username=name)


def test_a_kept_conversation_is_shown_again_to_its_account_only(web, assistant) -> None:
    answer = assistant.ask("Qui a présidé la séance du Bureau ?").model_dump(mode="json")
    kept = web.chat.keep([answer], _as("agent.a"))
    chatbot, answers, _ = web.chat.restore(kept, [], _as("agent.a"))
    assert [a["id"] for a in answers] == [answer["id"]] and len(chatbot.value) == 2
    _, answers, _ = web.chat.restore(kept, [], _as("agent.b"))  # the next person on a shared computer
    assert answers == []


def test_browser_data_is_checked_before_use(web, assistant) -> None:
    good = assistant.ask("Qui a présidé la séance du Bureau ?").model_dump(mode="json")
    forged = [{"question": "q", "answer": "a"}, "texte", {"question": 1}, good]  # malformed entries are dropped
    _, answers, sources = web.chat.restore({"user": "agent.a", "answers": forged}, [], _as("agent.a"))
    assert [a["id"] for a in answers] == [good["id"]] and "<b>[1]" in sources
    _, answers, _ = web.chat.restore(["not", "a", "dict"], [], _as("agent.a"))
    assert answers == []


def test_a_kept_form_draft_goes_back_to_its_account_with_text_values_only(web) -> None:
    fields = web.form._fields
    values = ["Camille Martin" if f.id == "referent_nom" else None for f in fields]
    kept = web.form.keep("BM2025/06/24/12", "Rueil-Malmaison", *values, request=_as("agent.a"))
    restored = web.form.restore(kept, _as("agent.a"))
    assert restored[1] == "Rueil-Malmaison" and "Camille Martin" in restored[2:]
    assert all(isinstance(v, dict) for v in web.form.restore(kept, _as("agent.b")))  # another account: nothing set
    kept["values"]["referent_nom"] = {"html": "<script>"}
    assert "Camille Martin" not in web.form.restore(kept, _as("agent.a"))[2:]


def test_the_first_screen_opens_when_the_examples_cannot_be_worked_out(web, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("service d'embeddings indisponible")

    monkeypatch.setattr(web.chat.web.assistant, "ask", broken)
    web.chat._welcome = None
    text, examples = web.chat.welcome()
    assert "Bienvenue" in text and "Ce qu'il connaît" in text
    assert all("BM2025/06/24/12" in e["text"] or "?" in e["text"] for e in examples)  # record-based ones stay


def test_one_corpus_row_per_act_and_never_two_documents_in_one_row(web) -> None:
    rows = web.corpus.documents_table()
    act = [r for r in rows if "BM2025/06/24/12" in r[0]]
    assert len(act) == 1 and len(act[0][6].splitlines()) == 2  # its Markdown and PDF copies
    assert all(len(r[6].splitlines()) == 1 for r in rows if r not in act)


@pytest.mark.parametrize("typed, listed, found", [
    ("Saint-Ouen-sur-Seine", ["Saint-Ouen", "Sceaux"], ["Saint-Ouen"]),  # the act writes the short name
    ("Rueil-Malmaison", ["Reuil Malmaison"], ["Reuil Malmaison"]),  # the act's typo
    ("Saint-Denis", ["Pierrefitte-sur-Seine"], ["Pierrefitte-sur-Seine"]),  # now a commune déléguée of Saint-Denis
    ("Sceaux", ["Saint-Ouen"], []),
])
def test_the_usual_name_finds_the_act_s_spelling(typed, listed, found) -> None:
    assert [m.name for m in resolve_name(typed, listed)] == found


def test_a_passage_cited_from_two_copies_of_an_act_is_shown_once(web, assistant) -> None:
    answer = assistant.ask("Qui a présidé la séance du Bureau ?").model_dump(mode="json")
    first = answer["citations"][0]
    copy = dict(first, n=2, document="copie.md", page=None)
    answer["citations"] = [dict(first, n=1), copy]
    panel = web.chat.sources_html(answer)
    assert panel.count("class='src'") == 1 and "[1] [2]" in panel
