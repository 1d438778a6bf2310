"""The real encoding of a text file, in this order: a byte-order mark; strict UTF-8 (or UTF-8 with
a few stray Windows-1252 bytes); the charset an HTML page declares, unless it reads as mixed
scripts; then charset-normalizer for everything else (UTF-16/32 without a mark — accepted only when
it decodes to written text —, Cyrillic, Greek, Hebrew, Arabic, Asian and Central-European code
pages). A file no encoding reads as text is refused, never indexed as mojibake.

One rule of ours on top of the library, because it measurably does better on French: on short
French paragraphs of the corpus saved as Windows-1252, charset-normalizer picked another Latin code
page for 44 of 77 (cp1250, ISO 8859-10/14…, turning « è » into « č »), since such code pages differ
only in a few letters. So when the library's guess is a Latin-script code page and Windows-1252
(the legacy encoding of French Windows) reads the bytes without the letters that betray another
code page (« ø », « ì », « ð »… where Czech or Polish letters were), Windows-1252 is used.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ingest.errors import IngestError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xff\xfe", "utf-16", "utf-16"),
    (b"\xfe\xff", "utf-16", "utf-16"),
)
# Letters Windows-1252 makes, inside words, of another code page's letters: Central-European
# (ř→ø, ě→ì, ň→ò, ł→³, ą→¹, ľ→¾, ţ→þ) and Mac Roman (é→Ž, à→ˆ, É→ƒ, À→Ë, á→‡). French and English
# words rarely hold them; a few (« Søren », « Forlì », « m³ ») do not make a text foreign.
_CENTRAL_RE = re.compile(r"(?<=[^\W\d_])[øØìòðÐþÞ¹³¾¿ºŸ](?=[^\W\d_])")
_MAC_RE = re.compile(r"(?<=[^\W\d_])[ŽˆƒË‡](?=[^\W\d_])|\b[ƒŽ](?=[^\W\d_])")
# A Latin letter next to a letter of another script inside one word.
_MIXED_WORD_RE = re.compile(r"[A-Za-z][^\W\d_\u0000-\u024f]|[^\W\d_\u0000-\u024f][A-Za-z]")
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "ascii"}


def _undecodable() -> IngestError:
    return IngestError("contenu binaire ou encodage illisible : ce n'est pas un fichier texte")


def _control_ratio(text: str) -> float:
    """Share of control characters other than line breaks and tabs (binary data decodes into them)."""
    if not text:
        return 1.0
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return controls / len(text)


def _latin_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if c < "\u0250")
    return latin / len(letters) >= 0.9


def _western_reading(data: bytes) -> tuple[str, str] | None:
    """Windows-1252 (or ISO-8859-15, its euro variant), unless its letters betray another code page:
    then Mac Roman when the betraying letters are Mac Roman's."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = sum(1 for c in text if c.isalpha()) or 1
    central, mac = len(_CENTRAL_RE.findall(text)), len(_MAC_RE.findall(text))
    if mac >= 2 and mac > central and mac / letters >= 0.005:
        return data.decode("mac_roman"), "mac-roman"
    if central >= 3 and central / letters >= 0.01:
        return None
    # ISO-8859-15 differs from Windows-1252 where « € » and « œ » are: « 3 000 ¤ », « ½uvre ».
    if re.search(r"\d\s?¤|¤\s?\d|(?<=[^\W\d_])½|½(?=[^\W\d_])", text):
        return data.decode("iso8859_15"), "iso-8859-15"
    return text, "cp1252"


def _utf8_with_strays(data: bytes, max_strays: int = 200) -> str | None:
    """UTF-8 with a few stray Windows-1252 bytes (a paragraph pasted from an old file): each stray
    byte read as Windows-1252, the rest as UTF-8. None when the text is not mostly UTF-8."""
    parts, position, strays = [], 0, 0
    while True:
        try:
            parts.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            strays += 1
            if strays > max_strays:
                return None
            stray = position + error.start
            parts.append(data[position:stray].decode("utf-8"))
            parts.append(data[stray : stray + 1].decode("cp1252", errors="replace"))
            position = stray + 1
    text = "".join(parts)
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - strays
    return text if multibyte >= 3 and strays <= max(2, multibyte // 10) else None


def _declared_reading(data: bytes, declared: str | None) -> tuple[str, str] | None:
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
        if name.startswith(("utf-16", "utf-32")):
            name = "utf-8"  # HTML: a page that can declare its charset in ASCII is not UTF-16
        text = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None  # a wrong or unknown declaration: detect instead
    if name in ("iso8859-1", "latin-1"):
        # What browsers do: a page declared ISO-8859-1 is read as Windows-1252 (« € », « œ », « ’ »).
        try:
            text, name = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    if _control_ratio(text) > 0.01 or len(_MIXED_WORD_RE.findall(text)) >= 3:
        return None  # a declaration that gives « Sйance », « dйlibйrй »: detect instead
    return text, name


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file, or :class:`IngestError` in French.
    ``declared``: the encoding the file itself declares (an HTML page's charset), used when it reads."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as exc:
                if codec == "utf-8-sig" and (mixed := _utf8_with_strays(data[3:])) is not None:
                    return mixed, "utf-8 (quelques octets cp1252)"
                raise IngestError(f"marque d'encodage {name} mais contenu illisible en {name}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        mixed = _utf8_with_strays(data)
        if mixed is not None and _control_ratio(mixed) <= 0.01:
            return mixed, "utf-8 (quelques octets cp1252)"
    else:
        if _control_ratio(text) <= 0.01:
            return text, "utf-8"
        # NUL bytes between letters: UTF-16/32 without a mark, or binary data
    reading = _declared_reading(data, declared)
    if reading is not None:
        return reading
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise _undecodable()
    encoding, text = matches[0].encoding, str(matches[0])
    if _control_ratio(text) > 0.01:
        raise _undecodable()
    if encoding.startswith(("utf_16", "utf_32")):
        if len(data) < 64 or not _looks_written(text):  # without a mark, a few bytes prove nothing
            raise _undecodable()
        return text, encoding.replace("_", "-")
    if b"\x00" in data:
        raise _undecodable()  # NUL bytes in a single-byte encoding: binary data
    # A handful of non-ASCII bytes is too little for the library to tell a script (« ## Exposé »
    # came out as Urdu): Windows-1252 unless it betrays another alphabet.
    few = sum(b >= 0x80 for b in data) < 20
    if few or _latin_script(text):
        western = _western_reading(data)
        if western is not None:
            return western
        if encoding in _WESTERN:
            # Windows-1252 shows letters of another alphabet: the library's next Latin guess.
            other = next((m for m in matches[1:] if m.encoding not in _WESTERN and _latin_script(str(m))), None)
            if other is not None:
                encoding, text = other.encoding, str(other)
    return text, encoding.replace("_", "-")


def _looks_written(text: str) -> bool:
    """Text, not binary decoded as UTF-16: mostly letters, digits, spaces and punctuation, and the
    letters of one or two scripts (random bytes give letters of every script)."""
    if not text:
        return False
    usual = sum(1 for c in text if unicodedata.category(c)[0] in "LNPZ" or c in "\n\r\t")
    scripts = {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}
    return usual / len(text) >= 0.95 and len(scripts) <= 3
