"""Odd real-world files, made with real libraries (pypdf, reportlab, python-docx), for the ingestion
tests. SYNTHETIC: every text here is written for the tests and says so; no file is a programme
document.

Each maker writes one file into a folder and returns its name; ``ODD_FILES`` says what the
ingestion must do with it: ``indexed`` (with a phrase that must be found in its passages) or
``failed`` (with words its French reason must contain).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

FRENCH = (
    "DOCUMENT SYNTHÉTIQUE écrit pour les tests.\n\n"
    "Le comité d'évaluation se réunit une fois par trimestre à l'hôtel de ville.\n\n"
    "Les réunions sont ouvertes aux élus, aux agents et aux associations de quartier.\n\n"
    "Le procès-verbal est publié dans les quinze jours qui suivent la réunion.\n"
)


@dataclass(frozen=True)
class Expected:
    outcome: str  # "indexed" or "failed"
    needle: str  # indexed: a phrase of its passages; failed: words of its reason


def _pdf_bytes(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buffer.getvalue()


def _pdf_lines(topic: str) -> list[str]:
    return [
        "DOCUMENT SYNTHETIQUE ecrit pour les tests.",
        f"Ce document decrit {topic}.",
        "La commission se reunit chaque mois dans la salle du conseil municipal.",
        "Les comptes rendus sont transmis a tous les membres sous huit jours.",
    ]


def pdf_byte_title(folder: Path) -> str:
    """A PDF whose /Title is a byte string pypdf cannot decode as text (and a date as subject)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ByteStringObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_bytes(_pdf_lines("le titre en octets")))))
    info = writer._info.get_object()  # noqa: SLF001 - the raw dictionary, to write a byte string
    info[NameObject("/Title")] = ByteStringObject(b"\x80\x81\xfe\x00Titre\x00")
    info[NameObject("/Subject")] = ByteStringObject(b"\xff\xd8\x00\x01")
    name = "titre_en_octets.pdf"
    with (folder / name).open("wb") as fh:
        writer.write(fh)
    return name


def _encrypted_pdf(folder: Path, name: str, topic: str, user_password: str, algorithm: str) -> str:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_bytes(_pdf_lines(topic)))))
    writer.encrypt(user_password=user_password, owner_password="proprietaire", algorithm=algorithm)
    with (folder / name).open("wb") as fh:
        writer.write(fh)
    return name


def pdf_aes(folder: Path) -> str:
    """AES-256 encrypted with an empty user password: opens without a password."""
    return _encrypted_pdf(folder, "chiffre_aes.pdf", "le chiffrement AES", "", "AES-256")


def pdf_password(folder: Path) -> str:
    return _encrypted_pdf(folder, "mot_de_passe.pdf", "un mot de passe", "secret", "AES-128")


def pdf_offset_header(folder: Path) -> str:
    """4 KB of mail headers before « %PDF- » (what some mail gateways leave)."""
    junk = b"".join(b"X-Relay-%04d: mail.example.org\r\n" % i for i in range(130))
    name = "entete_decale.pdf"
    (folder / name).write_bytes(junk + _pdf_bytes(_pdf_lines("un en-tete decale")))
    return name


def pdf_jbig2(folder: Path) -> str:
    """A page whose content stream needs the JBIG2 decoder (jbig2dec), which is not installed."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_bytes(_pdf_lines("une image JBIG2")))))
    stream = StreamObject()
    stream._data = b"\x97JB2\r\n\x1a\n\x01\x00\x00\x00\x01"  # noqa: SLF001 - a raw, still-encoded stream
    stream[NameObject("/Filter")] = NameObject("/JBIG2Decode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)  # noqa: SLF001
    name = "image_jbig2.pdf"
    with (folder / name).open("wb") as fh:
        writer.write(fh)
    return name


def pdf_not_pdf(folder: Path) -> str:
    name = "pas_un_pdf.pdf"
    (folder / name).write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return name


def text_utf16_bom(folder: Path) -> str:
    """What Windows Notepad writes as « Unicode »."""
    name = "notepad_unicode.txt"
    (folder / name).write_bytes(FRENCH.replace("\n", "\r\n").encode("utf-16"))  # BOM + UTF-16 LE
    return name


def text_utf16_be_no_bom(folder: Path) -> str:
    name = "utf16_sans_bom.txt"
    (folder / name).write_bytes(FRENCH.replace("comité", "conseil").encode("utf-16-be"))
    return name


def text_utf32(folder: Path) -> str:
    name = "utf32.txt"
    (folder / name).write_bytes(FRENCH.replace("trimestre", "semestre").encode("utf-32"))
    return name


def text_utf8_bom(folder: Path) -> str:
    name = "utf8_bom.md"
    (folder / name).write_bytes(("# Note\n\n" + FRENCH.replace("l'hôtel de ville", "la médiathèque")).encode("utf-8-sig"))
    return name


def text_cp1252(folder: Path) -> str:
    name = "ancien_windows.txt"
    (folder / name).write_bytes(FRENCH.replace("quinze", "trente").encode("cp1252"))
    return name


RUSSIAN = (
    "СИНТЕТИЧЕСКИЙ ДОКУМЕНТ, написанный для тестов.\n\n"
    "Комитет собирается каждый месяц в здании городской администрации. "
    "Протокол заседания публикуется в течение пятнадцати дней после встречи.\n"
)
GREEK = (
    "ΣΥΝΘΕΤΙΚΟ ΕΓΓΡΑΦΟ γραμμένο για τις δοκιμές.\n\n"
    "Η επιτροπή συνεδριάζει κάθε μήνα στο δημαρχείο. "
    "Τα πρακτικά δημοσιεύονται μέσα σε δεκαπέντε ημέρες μετά τη συνεδρίαση.\n"
)
CZECH = (
    "SYNTETICKÝ DOKUMENT napsaný pro testy.\n\n"
    "Výbor se schází každý měsíc na radnici. Zápis ze schůze se zveřejňuje "
    "do patnácti dnů po jednání a je přístupný všem občanům města.\n"
)
JAPANESE = (
    "テストのために書かれた合成文書です。\n\n"
    "委員会は毎月市役所で開催されます。会議の議事録は会議の後十五日以内に公開されます。"
    "市民は誰でも議事録を読むことができます。\n"
)


def _legacy_text(name: str, text: str, codec: str):
    """A maker writing the module's text ``text`` (read when called: the benchmark varies it) in ``codec``."""

    def maker(folder: Path) -> str:
        (folder / name).write_bytes(globals()[text].encode(codec))
        return name

    maker.__name__ = f"text_{Path(name).stem}"
    return maker


text_cyrillic = _legacy_text("cyrillique_cp1251.txt", "RUSSIAN", "cp1251")
text_greek = _legacy_text("grec_cp1253.txt", "GREEK", "cp1253")
text_czech = _legacy_text("tcheque_cp1250.txt", "CZECH", "cp1250")
text_shift_jis = _legacy_text("japonais_shift_jis.txt", "JAPANESE", "shift_jis")


def text_binary(folder: Path) -> str:
    name = "binaire.txt"
    (folder / name).write_bytes(bytes(range(256)) * 64)
    return name


def text_machine_dump(folder: Path) -> str:
    """One line of 331,000 characters of hexadecimal (a memory dump saved as .txt)."""
    import hashlib

    digest = b"".join(hashlib.sha256(str(i).encode()).hexdigest().encode() for i in range(5200))
    name = "vidage_machine.txt"
    (folder / name).write_bytes(b"DUMP " + digest[:331_000] + b"\n")
    return name


def text_log(folder: Path) -> str:
    """A server log: many short machine lines, no prose."""
    lines = [f"2025-06-{1 + i % 28:02d}T12:{i % 60:02d}:{i % 60:02d}Z 0x{i * 7919:08x} GET /api/v1/item/{i} 200 {i % 997}ms"
             for i in range(6000)]
    name = "journal_serveur.txt"
    (folder / name).write_text("\n".join(lines), encoding="utf-8")
    return name


def html_latin1_declared(folder: Path) -> str:
    name = "page_latin1.html"
    html = ("<html><head><meta charset=\"iso-8859-1\"><title>Page de test</title></head><body>"
            "<p>DOCUMENT SYNTHÉTIQUE écrit pour les tests.</p><p>La bibliothèque municipale ouvre "
            "le samedi matin ; l'inscription est gratuite pour les élèves.</p></body></html>")
    (folder / name).write_bytes(html.encode("latin-1"))
    return name


def docx_without_text(folder: Path) -> str:
    from docx import Document

    document = Document()
    document.add_paragraph("")
    document.core_properties.title = "Document vide"
    name = "sans_texte.docx"
    document.save(str(folder / name))
    return name


def docx_odd_properties(folder: Path) -> str:
    """Core properties with a control character and a title that is only spaces."""
    from docx import Document

    document = Document()
    document.add_paragraph("DOCUMENT SYNTHÉTIQUE écrit pour les tests.")
    document.add_paragraph("La salle polyvalente accueille les permanences du jeudi après-midi.")
    document.core_properties.title = "   "
    document.core_properties.subject = "Sujet\tavec tabulation"
    name = "proprietes_bizarres.docx"
    document.save(str(folder / name))
    return name


def docx_not_zip(folder: Path) -> str:
    name = "faux_word.docx"
    (folder / name).write_bytes(b"Ceci n'est pas une archive Word.\n" * 20)
    return name


def zip_not_docx(folder: Path) -> str:
    name = "archive.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "pas un document Word")
    (folder / name).write_bytes(buffer.getvalue())
    return name


def markdown_odd_front_matter(folder: Path) -> str:
    """Front matter with a date, a list, a number and an empty value as title, subject and type."""
    name = "entete_yaml_types.md"
    (folder / name).write_text(
        "---\ntitle: 2025-06-24\ndate: 2025-06-24\nsubject: [a, b]\ndoc_type:\nreference: 12\n---\n\n"
        "# Note\n\nDOCUMENT SYNTHÉTIQUE écrit pour les tests.\n\nLe gymnase municipal ferme en août pour travaux.\n",
        encoding="utf-8",
    )
    return name


MAKERS = {
    pdf_byte_title: Expected("indexed", "le titre en octets"),
    pdf_aes: Expected("indexed", "le chiffrement AES"),
    pdf_password: Expected("failed", "mot de passe"),
    pdf_offset_header: Expected("indexed", "un en-tete decale"),
    pdf_jbig2: Expected("failed", "JBIG2"),
    pdf_not_pdf: Expected("failed", "pas un PDF"),
    text_utf16_bom: Expected("indexed", "une fois par trimestre à l'hôtel de ville"),
    text_utf16_be_no_bom: Expected("indexed", "Le conseil d'évaluation se réunit"),
    text_utf32: Expected("indexed", "une fois par semestre"),
    text_utf8_bom: Expected("indexed", "à la médiathèque"),
    text_cp1252: Expected("indexed", "dans les trente jours"),
    text_cyrillic: Expected("indexed", "Комитет собирается каждый месяц"),
    text_greek: Expected("indexed", "Η επιτροπή συνεδριάζει κάθε μήνα"),
    text_czech: Expected("indexed", "Výbor se schází každý měsíc na radnici"),
    text_shift_jis: Expected("indexed", "委員会は毎月市役所で開催されます"),
    text_binary: Expected("failed", "binaire"),
    text_machine_dump: Expected("failed", "non rédigé"),
    text_log: Expected("failed", "non rédigé"),
    html_latin1_declared: Expected("indexed", "La bibliothèque municipale ouvre"),
    docx_without_text: Expected("failed", "sans texte"),
    docx_odd_properties: Expected("indexed", "permanences du jeudi"),
    docx_not_zip: Expected("failed", "Word"),
    zip_not_docx: Expected("failed", "Word"),
    markdown_odd_front_matter: Expected("indexed", "Le gymnase municipal ferme en août"),
}


def make_odd_files(folder: Path) -> dict[str, Expected]:
    """Every odd file into ``folder``; returns file name → what the ingestion must do with it."""
    folder.mkdir(parents=True, exist_ok=True)
    return {maker(folder): expected for maker, expected in MAKERS.items()}
