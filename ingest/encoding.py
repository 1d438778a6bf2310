"""The real encoding of a text file: byte-order marks first, then strict UTF-8, then
charset-normalizer for everything else (UTF-16/32 without a mark, Cyrillic, Greek, Hebrew, Arabic,
Asian and Central-European code pages). A file no encoding reads as text is refused, never indexed
as mojibake.

One rule of ours on top of the library, because it measurably does better on French: on short
French paragraphs of the corpus saved as Windows-1252, charset-normalizer picked another Latin code
page for 44 of 77 (cp1250, ISO 8859-10/14…, turning « è » into « č »), since such code pages differ
only in a few letters. So when the library's guess is a Latin-script code page and Windows-1252
(the legacy encoding of French Windows) reads the bytes without the letters that betray another
code page (« ø », « ì », « ð »… where Czech or Polish letters were), Windows-1252 is used.
"""

from __future__ import annotations

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
# Letters Windows-1252 produces from Central-European bytes (ř→ø, ě→ì, ň→ò, ł→³, ą→¹, ľ→¾, ţ→þ…),
# which French and English text do not use.
_FOREIGN_LATIN_RE = re.compile(r"[øØìòðÐþÞ¹³¾]|(?<=[^\W\d_])[¿ºŸ](?=[^\W\d_])")
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "ascii"}


def _undecodable(reason: str = "") -> IngestError:
    return IngestError("contenu binaire ou encodage illisible : ce n'est pas un fichier texte" + reason)


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


def _western_reading(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = sum(1 for c in text if c.isalpha()) or 1
    foreign = len(_FOREIGN_LATIN_RE.findall(text))
    return None if foreign >= 2 and foreign / letters >= 0.002 else text


def _declared_reading(data: bytes, declared: str | None) -> tuple[str, str] | None:
    import codecs

    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
        text = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None  # a wrong or unknown declaration: detect instead
    if name in ("iso8859-1", "latin-1"):
        # What browsers do: a page declared ISO-8859-1 is read as Windows-1252 (« € », « œ », « ’ »).
        try:
            text, name = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return (text, name) if _control_ratio(text) <= 0.01 else None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file, or :class:`IngestError` in French.
    ``declared``: the encoding the file itself declares (an HTML page's charset), used when it reads."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as exc:
                raise IngestError(f"marque d'encodage {name} mais contenu illisible en {name}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _control_ratio(text) > 0.01:
            text = None  # NUL bytes between letters: UTF-16/32 without a mark, or binary data
        else:
            return text, "utf-8"
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
    if b"\x00" in data and not (encoding.startswith(("utf_16", "utf_32")) and _latin_script(text)):
        # NUL bytes are either UTF-16/32 without a mark (Western text: NUL every other byte) or binary.
        raise _undecodable()
    # A handful of non-ASCII bytes is too little for the library to tell a script (« ## Exposé »
    # came out as Urdu): Windows-1252 unless it betrays another alphabet.
    few = sum(b >= 0x80 for b in data) < 20
    if not encoding.startswith("utf") and (few or _latin_script(text)):
        western = _western_reading(data)
        if western is not None:
            return western, "cp1252"
        if encoding in _WESTERN:
            # Windows-1252 shows letters of another alphabet: the library's next Latin guess.
            other = next((m for m in matches[1:] if m.encoding not in _WESTERN and _latin_script(str(m))), None)
            if other is not None:
                encoding, text = other.encoding, str(other)
    return text, encoding.replace("_", "-")
