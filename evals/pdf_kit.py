"""What the SYNTHETIC corpus builders (``evals/corpora/*/build.py``) share to write their PDFs with
reportlab: embedded Bitstream Vera fonts (so « • » and « œ » extract as text) and one style sheet."""

from __future__ import annotations

import os


def register_fonts() -> None:
    """Bitstream Vera, shipped with reportlab: embedded TrueType, registered once per process."""
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file, bold, italic in (("Vera", "Vera.ttf", 0, 0), ("VeraBd", "VeraBd.ttf", 1, 0),
                                     ("VeraIt", "VeraIt.ttf", 0, 1), ("VeraBI", "VeraBI.ttf", 1, 1)):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
        addMapping("Vera", bold, italic, name)


def pdf_styles(alignment: int | None = None) -> dict:
    """The paragraph styles of the builders; ``alignment`` of body text (reportlab's TA_*, left by default)."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("base", fontName="Vera", fontSize=10, leading=14,
                          alignment=TA_LEFT if alignment is None else alignment, spaceAfter=6, bulletFontName="Vera")
    return {
        "base": base,
        "warn": ParagraphStyle("warn", parent=base, fontName="VeraIt", fontSize=8.5, leading=12, spaceAfter=10),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, alignment=TA_CENTER, fontName="VeraBd",
                                      fontSize=11.5, leading=16),
        "title": ParagraphStyle("title", parent=base, fontName="VeraBd", fontSize=10.5, leading=15, spaceBefore=6,
                                spaceAfter=10),
        "bold": ParagraphStyle("bold", parent=base, fontName="VeraBd"),
        "heading": ParagraphStyle("heading", parent=base, fontName="VeraBd", fontSize=10.5, leading=15,
                                  spaceBefore=8, spaceAfter=4),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=4, spaceAfter=3),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }
