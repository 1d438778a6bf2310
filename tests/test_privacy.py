"""Personal data: masking in the log file, retention (purge), and the index/model check. The
entries and names are synthetic."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from assistant.config import Settings
from assistant.privacy import MaskingFilter, purge


def _write_jsonl(path, entries) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")


def test_log_file_never_holds_an_email_or_a_phone(tmp_path) -> None:
    logger = logging.getLogger("mgp.test-privacy")
    handler = logging.FileHandler(tmp_path / "mgp.log", encoding="utf-8")
    handler.addFilter(MaskingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("question de %s : rappeler au %s", "camille.martin@example.fr", "06 12 34 56 78")
        logger.warning("contact +33 1 23 45 67 89")
        logger.warning("demande de Mme Durand pour %s", "Jeanne DUPONT")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "mgp.log").read_text(encoding="utf-8")
    assert "camille.martin@example.fr" not in text and "06 12 34 56 78" not in text and "+33 1 23" not in text
    assert text.count("[e-mail masqué]") == 1 and text.count("[téléphone masqué]") == 2
    assert "Durand" not in text and "DUPONT" not in text and text.count("[nom masqué]") == 2


# Synthetic people. Each line: what a user types, the words that must disappear.
NAMED = [
    ("Bonjour, je suis Jeanne Dupont, DGS de Vanves : est-ce que Vanves participe ?", ["Jeanne", "Dupont"]),
    ("Je m'appelle Kévin Nguyen-Lambert, quelle est la date de la séance ?", ["Kévin", "Nguyen"]),
    ("Mme Durand peut-elle suivre la formation ?", ["Durand"]),
    ("DUPONT Jeanne, mairie de Sceaux : le programme est-il gratuit ?", ["DUPONT", "Jeanne"]),
    ("JEANNE DUPONT et ÉMILIE MARTIN ont écrit", ["JEANNE", "DUPONT", "ÉMILIE", "MARTIN"]),
    ("Contact : Jean-Pierre Martin-Lefèvre au 01 23 45 67 89 ou jp.martin@ville.fr", ["Jean-Pierre", "Lefèvre", "45 67", "jp.martin"]),
    ("prénom : Aïcha, nom : Benali", ["Aïcha", "Benali"]),
    ("M. Olivier Petit demande si Sucy-en-Brie est retenue", ["Olivier", "Petit"]),
    ("Mme O'Brien et Marie-Hélène D'Alembert", ["Brien", "Hélène", "Alembert"]),
    ("Mme de La Fontaine, puis Jean de La Fontaine", ["Fontaine", "Jean"]),
    ("J. Dupont et Jeanne D. ont signé ; M.Durand aussi", ["Dupont", "Jeanne", "Durand"]),
    ("Rappelez Mme Michel demain", ["Michel"]),
]
UNTOUCHED = [
    "Est-ce que Rueil-Malmaison participe au parcours ?",
    "Quelle délibération a lancé le programme ?",
    "Est-ce que Saint-Ouen-sur-Seine participe ?",
    "Le Blanc-Mesnil est-il retenu ?",
    "Le RGPD et la CNIL encadrent-ils les essais ?",
    "Combien de communes ? Et Vincennes ?",
    "Le Conseil Municipal doit-il délibérer sur les Données Personnelles ?",
    "Code Général des Collectivités Territoriales, Conseil Métropolitain, Grand Paris, Boucle Nord",
    "L'Intelligence Artificielle Générative est-elle couverte ? Et Saint Denis ? M. le Maire signe-t-il ?",
    "Vincennes. Jeanne",
]


@pytest.mark.parametrize("typed, secret", NAMED)
def test_names_typed_by_users_are_masked(typed, secret) -> None:
    from assistant.privacy import NAME_MASK, mask_personal_data

    masked = mask_personal_data(typed)
    assert NAME_MASK in masked
    for word in secret:
        assert word not in masked, masked


@pytest.mark.parametrize("typed", UNTOUCHED)
def test_questions_without_a_person_are_left_as_typed(typed) -> None:
    from assistant.privacy import mask_personal_data

    assert mask_personal_data(typed) == typed


def test_names_made_public_by_the_corpus_stay_readable(indexed_settings) -> None:
    from assistant.privacy import corpus_names, mask_personal_data
    from assistant.index_store import GenerationStore

    state = GenerationStore(indexed_settings.index_dir)
    manifest = state.load_manifest()
    texts = [c.text for e in manifest.documents.values() for c in state.read_document_file(e.doc_file).chunks]
    public = corpus_names(lambda name: texts)
    for typed in ("Patrick OLLIER a-t-il signé ?", "Est-ce que Reuil Malmaison participe ?"):
        assert mask_personal_data(typed, public) == typed  # names the deliberation itself publishes
        assert "[nom masqué]" in mask_personal_data(typed)  # the log file masks them all the same
    assert mask_personal_data("Jeanne Dupont et Patrick OLLIER", public) == "[nom masqué] et Patrick OLLIER"
    # Only the exact name is public: a first name of the corpus with another surname is not.
    assert mask_personal_data("Je m'appelle Patrick Boyer", public) == "Je m'appelle [nom masqué]"
    assert mask_personal_data("M. Antony Paris a appelé", public) == "M. [nom masqué] a appelé"


def test_purge_removes_old_entries_and_drafts_only(tmp_path) -> None:
    now = datetime(2026, 11, 28, tzinfo=timezone.utc)
    old, recent = (now - timedelta(days=200)).isoformat(), (now - timedelta(days=10)).isoformat()
    audit = tmp_path / "audit" / "audit.jsonl"
    _write_jsonl(audit, [{"time": old, "user": "a"}, {"time": recent, "user": "b"}])
    with audit.open("a", encoding="utf-8") as fh:
        fh.write("ligne illisible\n")
    _write_jsonl(tmp_path / "feedback" / "feedback.jsonl", [{"time": old}, {"time": old}, {"time": recent}])
    drafts = tmp_path / "forms" / "abc"
    drafts.mkdir(parents=True)
    stale, fresh = drafts / "ancien.docx", drafts / "recent.docx"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stale, ((now - timedelta(days=300)).timestamp(),) * 2)
    os.utime(fresh, ((now - timedelta(days=5)).timestamp(),) * 2)

    settings = Settings(data_dir=tmp_path, corpus_dir=tmp_path, _env_file=None)
    dry = purge(settings, 180, dry_run=True, now=now)
    assert (dry.audit_removed, dry.feedback_removed, dry.drafts_removed) == (1, 2, 1)
    assert stale.exists() and len(audit.read_text(encoding="utf-8").splitlines()) == 3  # nothing touched

    report = purge(settings, 180, now=now)
    assert (report.audit_removed, report.audit_kept, report.feedback_removed, report.drafts_removed) == (1, 2, 2, 1)
    lines = audit.read_text(encoding="utf-8").splitlines()
    assert lines == [json.dumps({"time": recent, "user": "b"}), "ligne illisible"]  # unreadable lines are kept
    assert not stale.exists() and fresh.exists()


def test_purge_command(indexed_settings, tmp_path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    _write_jsonl(data / "audit" / "audit.jsonl", [{"time": "2020-01-01T00:00:00+00:00"}, {"time": datetime.now(timezone.utc).isoformat()}])
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(data),
           "MGP_RETENTION_DAYS": "30"}
    done = subprocess.run([sys.executable, "-m", "ui.cli", "purge", "--json"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["audit_removed"] == 1
    assert len((data / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_an_index_built_with_another_model_is_refused(indexed_settings) -> None:
    from assistant.services import build_assistant
    from assistant.components.embeddings import SentenceTransformerEmbeddings
    from assistant.index import IndexNotReady

    other = build_assistant(indexed_settings, embeddings=SentenceTransformerEmbeddings())
    with pytest.raises(IndexNotReady, match="mgp-assistant ingest"):
        other.ask("Quelles sont les trois phases du programme ?")
