"""A form draft as a document: DOCX (python-docx, administrative layout), Markdown or JSON. Missing
and invalid fields are marked « à compléter », model-written ones « à relire », and every
pre-filled value points to its source, quoted in the « Sources » part."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from assistant.forms.draft_types import FieldValue, FormDraft

TO_COMPLETE = "à compléter"
TO_REVIEW = "à relire"


def display(value: FieldValue) -> str:
    """The value as a reader sees it (« Oui », dates in French order, one item per line)."""
    v: Any = value.value
    if v is None or v == "" or v == []:
        return ""
    if value.type == "yes_no" and isinstance(v, bool):
        return "Oui" if v else "Non"
    if value.type == "date":
        try:
            return date.fromisoformat(str(v)).strftime("%d/%m/%Y")
        except ValueError:
            return str(v)
    if isinstance(v, list):
        return "\n".join(f"– {item}" for item in v)
    return str(v)


def _flag(value: FieldValue) -> str | None:
    if value.status == "missing":
        return f"{TO_COMPLETE} (obligatoire)"
    if value.status == "invalid":
        return f"{TO_COMPLETE} : {value.note}"
    if value.status == "to_review":
        return TO_REVIEW
    return None


def _source_note(value: FieldValue) -> str:
    parts = []
    if value.citations:
        parts.append("source " + ", ".join(f"[{n}]" for n in value.citations))
    if value.note and value.status not in ("invalid",):
        parts.append(value.note)
    return " ; ".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Text typed by a user, safe inside Markdown: one line, every markup character escaped."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x85\n]+", " ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", text)


def _name_line(draft: FormDraft) -> str:
    """« Rueil-Malmaison (écrit « Reuil Malmaison » dans la délibération BM…) »."""
    spelled = draft.spelled_in_act
    if spelled is None:
        return draft.display_name
    return f"{draft.display_name} (écrit « {spelled} » dans la délibération {draft.reference or ''})".replace(" )", ")")


def to_markdown(draft: FormDraft) -> str:
    lines = [f"# {draft.form_title}", "", f"*{draft.form_status}*", "",
             f"**Collectivité :** {md(_name_line(draft))}  ", f"**Parcours :** {md(draft.track or '—')}  ",
             f"**Délibération :** {md(draft.reference or '—')}", ""]
    for warning in draft.warnings:
        lines += [f"> ⚠️ {md(warning)}", ""]
    for note in draft.notes:
        lines += [f"> ℹ️ {md(note)}", ""]
    section = None
    for value in draft.values:
        if value.section != section:
            section = value.section
            lines += ["", f"## {section}", ""]
        shown = "<br>".join(md(line) for line in display(value).split("\n")) or "—"
        flag = _flag(value)
        note = _source_note(value)
        lines.append(f"- **{md(value.label)}** : {shown}" + (f" **\\[{md(flag)}\\]**" if flag else "")
                     + (f" _({md(note)})_" if note else ""))
        if value.status == "missing" and value.help:
            lines.append(f"  - _{md(value.help)}_")
    if draft.citations:
        lines += ["", "## Sources des valeurs pré-remplies", ""]
        for c in draft.citations:
            where = f", page {c.page}" if c.page else ""
            lines.append(f"\\[{c.n}\\] {md(c.title)}{where} — « {md(' '.join(c.quote.split()))} »")
    lines += ["", "## Visa", "", md(_made_at(draft)), "", "Signature et cachet de la collectivité :", ""]
    return "\n".join(lines) + "\n"


AUTHOR = "Assistant IA « Appropriation Métropolitaine » (Métropole du Grand Paris)"


def to_docx(draft: FormDraft, path: Path) -> Path:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    blue, red, grey = RGBColor(0x00, 0x00, 0x91), RGBColor(0xCE, 0x05, 0x00), RGBColor(0x55, 0x55, 0x55)
    doc = Document()
    props = doc.core_properties  # python-docx's template says « python-docx » otherwise
    props.author = props.last_modified_by = AUTHOR
    props.title = f"{draft.form_title} — {_name_line(draft)}"[:255]  # the format's limit per property
    props.subject = (draft.track or "")[:255]
    props.comments = draft.form_status[:255]
    props.language = "fr-FR"
    for s in doc.sections:
        s.left_margin = s.right_margin = Cm(2)
        s.top_margin = s.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)

    header = doc.add_paragraph()
    run = header.add_run("MÉTROPOLE DU GRAND PARIS — Programme « Appropriation Métropolitaine »")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(9), blue
    title = doc.add_heading(draft.form_title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    status = doc.add_paragraph()
    run = status.add_run(draft.form_status)
    run.italic, run.font.size, run.font.color.rgb = True, Pt(8.5), grey

    ident = doc.add_table(rows=0, cols=2)
    ident.style = "Table Grid"
    for label, text in (("Collectivité", _name_line(draft)),
                        ("Parcours", next((display(v) for v in draft.values if v.id == "parcours"), "") or draft.track or "—"),
                        ("Délibération de référence", draft.reference or "—"),
                        ("Brouillon préparé le", draft.created_at.strftime("%d/%m/%Y"))):
        cells = ident.add_row().cells
        cells[0].text, cells[1].text = label, text
        cells[0].paragraphs[0].runs[0].bold = True
    for warning in draft.warnings:
        p = doc.add_paragraph()
        run = p.add_run("⚠ " + warning)
        run.bold, run.font.color.rgb = True, red
    for note in draft.notes:
        p = doc.add_paragraph()
        run = p.add_run("ℹ " + note)
        run.italic, run.font.color.rgb = True, blue

    section = None
    table = None
    for value in draft.values:
        if value.section != section:
            section = value.section
            doc.add_heading(section, level=1)
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
        assert table is not None
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(6), Cm(11)
        label = cells[0].paragraphs[0].add_run(value.label + (" *" if value.required else ""))
        label.bold = True
        shown = display(value)
        body = cells[1].paragraphs[0]
        if shown:
            body.add_run(shown)
        flag = _flag(value)
        if flag:
            run = body.add_run(("  " if shown else "") + f"[{flag}]")
            run.bold, run.font.color.rgb = True, red if value.status != "to_review" else blue
            if value.status == "missing" and value.help:
                hint = cells[1].add_paragraph().add_run(value.help)
                hint.italic, hint.font.size, hint.font.color.rgb = True, Pt(8.5), grey
        note = _source_note(value)
        if note:
            run = cells[1].add_paragraph().add_run(note)
            run.italic, run.font.size, run.font.color.rgb = True, Pt(8), grey

    note = doc.add_paragraph()
    run = note.add_run("* champ obligatoire")
    run.font.size, run.font.color.rgb = Pt(8), grey

    if draft.citations:
        doc.add_heading("Sources des valeurs pré-remplies", level=1)
        for c in draft.citations:
            where = f", page {c.page}" if c.page else ""
            p = doc.add_paragraph()
            p.add_run(f"[{c.n}] {c.title}{where} — ").bold = True
            p.add_run("« " + plain_quote(c.quote) + " »").italic = True

    doc.add_heading("Visa", level=1)
    doc.add_paragraph(_made_at(draft))
    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.text = f"Nom et qualité du signataire :\n{_signatory(draft)}\n\n"
    right.text = "Signature et cachet de la collectivité :\n\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _signatory(draft: FormDraft) -> str:
    """The signatory as entered (name, then capacity), or dots to fill in by hand."""
    by_id = {v.id: v for v in draft.values}
    parts = [display(by_id[k]) for k in ("signataire_nom", "signataire_qualite") if k in by_id and by_id[k].status == "ok"]
    return ", ".join(p for p in parts if p) or "…………………………………"


def plain_quote(text: str) -> str:
    """A quoted passage as plain text for a document: Markdown marks (« **Article 2** », « # Titre »)
    dropped, spaces squeezed; the words stay those of the source."""
    text = re.sub(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`)", "", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)
    return " ".join(text.split())


def _made_at(draft: FormDraft) -> str:
    by_id = {v.id: v for v in draft.values}
    place = display(by_id["lieu"]) if "lieu" in by_id and by_id["lieu"].status == "ok" else ""
    when = display(by_id["date_signature"]) if "date_signature" in by_id and by_id["date_signature"].status == "ok" else ""
    return f"Fait à {place or '…………………………………'}, le {when or '…………………………'}"


def write_draft(draft: FormDraft, path: Path) -> Path:
    """By the extension: .docx, .md or .json."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return to_docx(draft, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        path.write_text(to_markdown(draft), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        raise ValueError(f"format de sortie inconnu : {path.name} (attendu .docx, .md ou .json)")
    return path
