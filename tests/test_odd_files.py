"""Real-world odd files (tests/odd_files.py, SYNTHETIC, made with real libraries): each has its
outcome, one bad file never stops the others, texts are read in their real encoding, machine output
is refused, and an index with nothing readable still answers in plain French."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.components.vectorstore import plain_metadata
from ingest.encoding import decode_text
from ingest.errors import IngestError
from ingest.pipeline import Ingestor
from ingest.quality import MIN_WORD_SHARE, machine_text_reason, word_share
from assistant.index_store import GenerationStore
from tests.conftest import CORPUS, REPO
from tests.odd_files import CZECH, GREEK, JAPANESE, MAKERS, RUSSIAN, make_odd_files

CLI = [sys.executable, "-m", "ui.cli"]
MOJIBAKE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|Ã[\x80-\xbf©¨ ]|Ã©|â€|\ufffd")


@pytest.fixture(scope="module")
def odd_index(tmp_path_factory, embeddings):
    """Every odd file ingested once, alone in a corpus folder."""
    root = tmp_path_factory.mktemp("odd")
    expected = make_odd_files(root / "docs")
    from assistant.config import Settings

    settings = Settings(corpus_dir=root / "docs", data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    state = GenerationStore(settings.index_dir)
    manifest = state.load_manifest()
    texts = {}
    for entry in manifest.documents.values():
        document = state.read_document_file(entry.doc_file)
        texts[entry.file_name] = (entry, "\n".join(c.text for c in document.chunks), document.chunks)
    return expected, report, texts


@pytest.mark.parametrize("maker", list(MAKERS), ids=[m.__name__ for m in MAKERS])
def test_each_odd_file_has_its_outcome(odd_index, maker) -> None:
    expected, report, texts = odd_index
    name = next(n for n, e in expected.items() if e is MAKERS[maker])
    outcome = MAKERS[maker]
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    if outcome.outcome == "indexed":
        assert name not in reasons, reasons.get(name)
        entry, text, chunks = texts[name]
        assert outcome.needle in text
        assert not MOJIBAKE_RE.search(text), "texte mal décodé"
        for chunk in chunks:  # what reaches the store is plain
            assert all(isinstance(v, (str, int, float, bool)) for v in chunk.metadata.values())
        assert entry.title and "\x00" not in entry.title
    else:
        assert name in reasons, f"{name} devait échouer"
        assert outcome.needle.lower() in reasons[name].lower()
        assert "Error" not in reasons[name] or "(" in reasons[name]  # a French reason, not a bare exception


def test_non_utf8_texts_name_their_encoding(odd_index) -> None:
    _, _, texts = odd_index
    for name, encoding in [("notepad_unicode.txt", "utf-16"), ("cyrillique_cp1251.txt", "cp1251"),
                           ("ancien_windows.txt", "cp1252"), ("utf16_sans_bom.txt", "utf-16-be")]:
        entry = texts[name][0]
        assert f"lu en {encoding}" in " ".join(entry.warnings), entry.warnings


def test_a_byte_string_title_is_not_kept(odd_index) -> None:
    _, _, texts = odd_index
    entry = texts["titre_en_octets.pdf"][0]
    assert "Titre\x00" not in entry.title and not entry.title.startswith("€")


# ---------------------------------------------------------------------------------- encodings
def _corpus_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(CORPUS.glob("*.md")) + sorted((REPO / "evals" / "corpora").rglob("*.md")):
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n\n") if re.search("[éèàùçêô«]", p)]
    return paragraphs


def test_french_paragraphs_saved_as_windows_1252_read_back_exactly() -> None:
    """The measure behind ingest/encoding.py's Windows-1252 rule (charset-normalizer alone misread 44 of 77)."""
    paragraphs = _corpus_paragraphs()
    assert len(paragraphs) >= 60
    wrong = [p[:60] for p in paragraphs if p.isascii() is False and decode_text(p.encode("cp1252"))[0] != p]
    assert len(wrong) <= 0.03 * len(paragraphs), wrong


@pytest.mark.parametrize("text,codec", [
    (RUSSIAN, "cp1251"), (RUSSIAN, "koi8_r"), (GREEK, "cp1253"), (CZECH, "cp1250"), (JAPANESE, "shift_jis"),
    ("Zażółć gęślą jaźń. Łódź jest dużym miastem w środkowej Polsce, a Kraków leży na południu.", "cp1250"),
    ("מסמך סינתטי שנכתב לבדיקות. הוועדה מתכנסת כל חודש בבניין העירייה.", "cp1255"),
    ("وثيقة اصطناعية مكتوبة للاختبارات. تجتمع اللجنة كل شهر في مبنى البلدية.", "cp1256"),
    ("为测试编写的合成文件。委员会每月在市政厅开会。会议记录在会议后十五天内公布。", "gb2312"),
    ("Le comité se réunit à l'hôtel de ville.", "utf-16-le"), ("Le comité se réunit à l'hôtel de ville.", "utf-32"),
])
def test_texts_of_other_scripts_decode_exactly(text: str, codec: str) -> None:
    decoded, encoding = decode_text(text.encode(codec))
    assert decoded == text, encoding


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x00\x01\x02binary\x00" * 50, os.urandom(4096)])
def test_binary_is_refused_not_indexed(data: bytes) -> None:
    with pytest.raises(IngestError, match="binaire"):
        decode_text(data)


# ------------------------------------------------------------------------------- machine text
def test_real_documents_are_prose_and_dumps_are_not() -> None:
    from ingest.loaders import SUPPORTED_SUFFIXES, load_file

    real = [p for d in (CORPUS, REPO / "evals" / "corpora") for p in d.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES]
    shares = {p.name: word_share(load_file(p).text) for p in real}
    assert len(shares) >= 8
    assert min(shares.values()) > 2 * MIN_WORD_SHARE, shares
    table = "\n".join(f"| {2020 + i} | {1000 + 37 * i} € | {i * 3} | {i % 7} % | Ligne {i} du budget |" for i in range(200))
    assert machine_text_reason(table) is None  # a table of figures is still a document
    assert machine_text_reason("0x" + "9f3a" * 6000) is not None


def test_plain_metadata_accepts_what_documents_declare() -> None:
    import datetime

    plain = plain_metadata({"title": b"\xff\xfe", "date": datetime.date(2025, 6, 24), "tags": ["a", "b"],
                            "none": None, "n": 3, "ok": "texte", "utf8": "é".encode()})
    assert plain == {"date": "2025-06-24", "tags": "a, b", "n": 3, "ok": "texte", "utf8": "é"}


# ------------------------------------------------------------------------------ whole runs
def _env(tmp_path: Path, corpus: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MGP_")}
    env |= {"MGP_CORPUS_DIR": str(corpus), "MGP_DATA_DIR": str(tmp_path / "data"), **extra}
    return env


def _ingest(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "ingest", "--json"], env=env, capture_output=True, text=True, timeout=600, cwd=REPO)


def test_odd_files_next_to_the_real_corpus_never_stop_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    expected = make_odd_files(corpus / "divers")
    env = _env(tmp_path, corpus)

    first = _ingest(env)
    assert first.returncode == 2, first.stderr[-2000:]
    assert "Traceback" not in first.stderr
    report = json.loads(first.stdout)
    failed = {Path(f["path"]).name for f in report["failed"]}
    assert failed == {n for n, e in expected.items() if e.outcome == "failed"}
    events = [json.loads(line) for line in first.stderr.splitlines() if line.startswith("{")]
    assert {e["progress"] for e in events} >= {"files", "embed"}
    assert any(e["progress"] == "files" and e["file"] == "titre_en_octets.pdf" for e in events)

    ask = subprocess.run([*CLI, "ask", "--json", "-"], env=env, capture_output=True, text=True, timeout=300, cwd=REPO,
                         input="Qui présidait la séance du Bureau du 24 juin 2025 ?\n")
    answer = json.loads(ask.stdout.splitlines()[0])
    assert not answer["abstained"] and "OLLIER" in answer["answer"].upper()

    # A good file added next to the bad ones is indexed by the next run.
    (corpus / "divers" / "note_ajoutee.md").write_text(
        "# Note ajoutée\n\nDOCUMENT SYNTHÉTIQUE écrit pour les tests. La ludothèque ouvre le mercredi.\n", encoding="utf-8")
    second = _ingest(env)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    again = json.loads(second.stdout)
    assert again["added"] == 1 and again["documents"] == report["documents"] + 1


def test_an_unreachable_store_is_one_json_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_odd_files(corpus)
    env = _env(tmp_path, corpus, MGP_CHROMA_URL="http://127.0.0.1:9")  # nothing listens on the discard port
    run = _ingest(env)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    error = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" in error and error["error"]


def test_a_file_the_store_rejects_fails_alone(tmp_path: Path, embeddings, make_settings, monkeypatch) -> None:
    """Fault injected into the real Chroma store: one document's upsert raises, as Chroma does on a value
    it does not accept; that file fails with a French reason and keeps its previous version."""
    from assistant.components.vectorstore import ChromaChunkStore

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(corpus)
    Ingestor(settings, embeddings=embeddings).run()
    fiche = corpus / "fiche_programme_appropriation_metropolitaine.md"
    fiche.write_text(fiche.read_text(encoding="utf-8") + "\n\nParagraphe ajouté pour le test.\n", encoding="utf-8")
    (corpus / "autre.md").write_text("# Autre\n\nDOCUMENT SYNTHÉTIQUE : la piscine ferme en juillet.\n", encoding="utf-8")
    real_upsert = ChromaChunkStore.upsert

    def upsert(self, ids, vectors, texts, metadatas):
        if any(m.get("doc_id", "").startswith("fiche_programme") for m in metadatas):
            raise ValueError("Expected metadata value to be a str, int, float or bool")
        return real_upsert(self, ids, vectors, texts, metadatas)

    monkeypatch.setattr(ChromaChunkStore, "upsert", upsert)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert [Path(f.path).name for f in report.failed] == [fiche.name]
    assert "enregistrement impossible" in report.failed[0].reason
    manifest = GenerationStore(settings.index_dir).load_manifest()
    names = {e.file_name for e in manifest.documents.values()}
    assert {"autre.md", fiche.name} <= names  # the other file indexed, the failed one's last version kept


def test_an_index_with_nothing_readable_says_so(tmp_path: Path, embeddings, make_settings) -> None:
    from assistant.services import build_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "binaire.txt").write_bytes(bytes(range(256)) * 16)
    settings = make_settings(corpus)
    Ingestor(settings, embeddings=embeddings).run()
    answer = build_assistant(settings, embeddings=embeddings).ask("Quels sont les critères de sélection ?")
    assert answer.abstained
    assert "0 document" not in answer.answer and "aucun document lisible" in answer.answer


# --------------------------------------------------------- cases found by an adversarial review
@pytest.mark.parametrize("text,codec,encoding", [
    ("Le conseil fixe à 2,10 € le prix du m³ d'eau ; pour 120 m³ par an, la hausse représente 14 €. "
     "Le maire est chargé de l'exécution de la délibération.", "cp1252", "cp1252"),
    ("Søren Møller et Niccolò de Forlì présentent le délibéré à l'hôtel de ville, où l'été est doux.", "cp1252", "cp1252"),
    ("Le budget prévoit 3 000 € pour l'œuvre commandée ; la délibération est adoptée à l'unanimité.", "iso8859_15",
     "iso-8859-15"),
    ("Délibération de l'ÉTÉ", "mac_roman", "mac-roman"),
    ("委员会每月在市政厅开会。会议记录在会议后十五天内公布。市民可以在图书馆阅读会议记录。", "utf-16-le", "utf-16-le"),
    ("위원회는 매달 시청에서 회의를 엽니다. 회의록은 보름 안에 공개됩니다.", "utf-16-le", "utf-16-le"),
])
def test_legacy_and_unmarked_encodings_read_exactly(text: str, codec: str, encoding: str) -> None:
    assert decode_text(text.encode(codec)) == (text, encoding)


def test_utf8_with_a_few_windows_1252_bytes_keeps_its_utf8() -> None:
    data = ("Après délibéré, le comité décide à l'unanimité. Le président remercie les élus. " * 3).encode() + \
        "Ancien paragraphe : équipe".encode("cp1252")
    text, encoding = decode_text(data)
    assert text.startswith("Après délibéré") and text.endswith("équipe") and "utf-8" in encoding


@pytest.mark.parametrize("declared,data,expected", [
    ("utf-16", "<meta charset=utf-16><p>La séance est ouverte.</p>".encode("cp1252"), "La séance est ouverte."),
    ("windows-1251", "<meta charset=windows-1251><p>La séance du conseil a délibéré après le rapport.</p>".encode("cp1252"),
     "La séance du conseil a délibéré après le rapport."),
])
def test_a_wrong_html_charset_loses_to_detection(declared: str, data: bytes, expected: str) -> None:
    assert expected in decode_text(data, declared)[0]


def test_tables_of_figures_and_forms_are_documents_not_dumps() -> None:
    csv = "Chapitre;Article;Libellé;BP 2023;BP 2024\n" + "\n".join(
        f"{30 + i % 9};{6500 + i};Charges de personnel {i};{315003 + i * 17};{647440 - i * 3}" for i in range(900))
    form = "\n".join(f"Nom du service demandeur {i} : ............................................" for i in range(600))
    assert machine_text_reason(csv) is None
    assert machine_text_reason(form) is None


def test_controls_and_undecodable_characters_never_reach_a_passage(tmp_path: Path) -> None:
    from ingest.loaders import load_file

    path = tmp_path / "nul.txt"
    body = "Le comité se réunit le lundi à l'hôtel de ville. " * 20
    path.write_bytes(("Le comité\x00 se réunit\x00 le lundi.\ufffd Fin. " + body).encode())
    assert load_file(path).text.strip() == ("Le comité se réunit le lundi. Fin. " + body).strip()


@pytest.mark.parametrize("front,reason", [("date: 2024-13-45", "YAML"), ("titre: {sous: dict}\nreference: [1, 2]", None)])
def test_front_matter_values_of_any_type(tmp_path: Path, front: str, reason: str | None, embeddings, make_settings) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(f"---\n{front}\n---\n\n# Note\n\nLa salle ouvre à 9 h.\n", encoding="utf-8")
    report = Ingestor(make_settings(corpus), embeddings=embeddings).run()
    if reason:
        assert reason in report.failed[0].reason
    else:
        assert report.failed == []
        entry = next(iter(GenerationStore(make_settings(corpus).index_dir).load_manifest().documents.values()))
        assert entry.title == "Note" and entry.reference == "1, 2"


def test_a_file_name_that_is_not_utf8_fails_alone_in_json(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bon.md").write_text("# Bon\n\nLa médiathèque ouvre le samedi.\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "wb") as fh:
        fh.write("La piscine ferme en août.".encode())
    run = _ingest(_env(tmp_path, corpus))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    assert report["documents"] == 1 and "renommez" in report["failed"][0]["reason"]


def test_an_unreachable_store_names_where_it_is(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_odd_files(corpus)
    run = _ingest(_env(tmp_path, corpus, MGP_CHROMA_URL="http://127.0.0.1:9"))
    assert "127.0.0.1:9" in json.loads(run.stdout.strip().splitlines()[-1])["error"]


def test_bad_settings_are_one_json_error(tmp_path: Path) -> None:
    run = _ingest(_env(tmp_path, tmp_path, MGP_CHUNK_SIZE="abc"))
    assert run.returncode == 1 and "MGP_CHUNK_SIZE" in json.loads(run.stdout)["error"]
