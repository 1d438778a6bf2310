"""The ``mgp-assistant ingest`` command as a user runs it: JSON contract and exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "ui.cli"]
KEYS = {"documents", "chunks", "added", "updated", "removed", "unchanged", "failed"}


def run_cli(args: list[str], corpus: Path, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MGP_CORPUS_DIR": str(corpus), "MGP_DATA_DIR": str(data)}
    return subprocess.run(CLI + args, capture_output=True, text=True, env=env, timeout=300)


def test_ingest_json_twice(corpus_copy, tmp_path) -> None:
    data = tmp_path / "data"
    first = run_cli(["ingest", "--json"], corpus_copy, data)
    assert first.returncode == 0, first.stderr
    # --json: stderr holds progress events only, one JSON object per line (no bar, no library noise).
    events = [json.loads(line) for line in first.stderr.splitlines()]
    assert events and all(set(e) == {"progress", "done", "total", "file"} for e in events)
    assert events[-1]["progress"] == "files" and events[-1]["done"] == events[-1]["total"] == 3
    one = json.loads(first.stdout)
    assert KEYS <= set(one)
    assert (one["documents"], one["added"], one["failed"]) == (3, 3, [])
    second = run_cli(["ingest", "--json"], corpus_copy, data)
    two = json.loads(second.stdout)
    assert second.returncode == 0
    assert two["added"] == 0 and two["chunks"] == one["chunks"] and two["unchanged"] == 3
    assert second.stdout.count("\n") == 1  # exactly one JSON object, no progress output


def test_failed_files_exit_2_and_are_named(corpus_copy, tmp_path) -> None:
    (corpus_copy / "illisible.pdf").write_bytes(b"\x00\x01 not a pdf")
    result = run_cli(["ingest", "--json"], corpus_copy, tmp_path / "data")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in report["failed"]] == ["illisible.pdf"]
    assert report["documents"] == 3


def test_missing_corpus_is_fatal(tmp_path) -> None:
    result = run_cli(["ingest", "--json"], tmp_path / "absent", tmp_path / "data")
    assert result.returncode == 1
    assert "introuvable" in json.loads(result.stdout)["error"]


def test_human_output_and_rebuild(corpus_copy, tmp_path) -> None:
    data = tmp_path / "data"
    run_cli(["ingest", "--json"], corpus_copy, data)
    result = run_cli(["ingest", "--rebuild"], corpus_copy, data)
    assert result.returncode == 0, result.stderr
    assert "reconstruction demandée" in result.stdout
    assert "Documents indexés" in result.stdout


def test_invalid_setting_is_named(corpus_copy, tmp_path) -> None:
    env = {**os.environ, "MGP_CHUNK_SIZE": "300", "MGP_CHUNK_OVERLAP": "500", "MGP_DATA_DIR": str(tmp_path)}
    result = subprocess.run(CLI + ["ingest", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert "Configuration invalide" in result.stderr and "MGP_CHUNK_OVERLAP" in result.stderr
    assert "Traceback" not in result.stderr


def test_corpus_add_list_remove_use_the_web_apps_service(corpus_copy, tmp_path) -> None:
    data = tmp_path / "data"
    note = tmp_path / "note_de_service.md"
    note.write_text("# Note de service\n\nDOCUMENT SYNTHÉTIQUE : la médiathèque ouvre le dimanche.\n", encoding="utf-8")
    added = run_cli(["corpus", "add", str(note)], corpus_copy, data)
    assert added.returncode == 0 and "✅ note_de_service.md" in added.stdout
    assert (data / "uploads" / "note_de_service.md").exists()
    listed = run_cli(["corpus", "list"], corpus_copy, data)
    doc_id = next(line.split("\t")[0] for line in listed.stdout.splitlines() if "Note de service" in line)
    removed = run_cli(["corpus", "remove", doc_id], corpus_copy, data)
    assert removed.returncode == 0 and "supprimé" in removed.stdout
    assert "Note de service" not in run_cli(["corpus", "list"], corpus_copy, data).stdout
    assert run_cli(["corpus", "remove", "inconnu"], corpus_copy, data).returncode == 1


def test_users_add_asks_for_the_password_twice_in_french(tmp_path) -> None:
    """The keyboard prompts are French (Click's « Repeat for confirmation » is not), and two different
    entries are refused without writing the account."""
    users = tmp_path / "users.yaml"
    cmd = [sys.executable, "-m", "ui.cli", "users", "add", "agent7", "--role", "agent", "--file", str(users)]
    done = subprocess.run(cmd, input="motdepasse-1\nmotdepasse-1\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    prompts = done.stdout + done.stderr
    assert "Confirmez le mot de passe" in prompts and "Repeat" not in prompts
    assert "agent7" in users.read_text(encoding="utf-8")
    other = tmp_path / "other.yaml"
    cmd[-1] = str(other)
    done = subprocess.run(cmd, input="aaaaaaaa1\nbbbbbbbb1\n" * 3, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "diffèrent" in done.stderr and not other.exists()


def test_generated_french_elides_est_ce_que() -> None:
    from assistant.text import est_ce_que

    assert est_ce_que("Antony") == "Est-ce qu'Antony"
    assert est_ce_que("Issy-les-Moulineaux") == "Est-ce qu'Issy-les-Moulineaux"
    assert est_ce_que("Sceaux") == "Est-ce que Sceaux" and est_ce_que("Yerres") == "Est-ce que Yerres"
