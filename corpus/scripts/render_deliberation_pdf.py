"""Render the verbatim deliberation (Markdown) as a multi-page A4 PDF with fpdf2.

Why: the official acts reach the Métropole as PDFs, and citations must carry page numbers. This
rendering keeps every word of the Markdown source (typos included) and only drops Markdown markup
(``**``, list dashes). Each page gets a running header and a « Page n/N » footer, as real acts do,
so the ingestion's header/footer removal is exercised too.

Usage: python corpus/scripts/render_deliberation_pdf.py [SOURCE.md] [OUT.pdf]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent / "BM2025-06-24-12_deliberation_bureau.md"
DEFAULT_OUT = HERE.parent / "BM2025-06-24-12_deliberation_bureau.pdf"
RUNNING_HEADER = "Métropole du Grand Paris - Bureau métropolitain - Délibération BM2025/06/24/12"


class ActPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, RUNNING_HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 10, f"Page {self.page_no()}/{{nb}}", align="C")


def paragraphs(markdown: str) -> list[str]:
    """Split the Markdown source into paragraphs, keeping line breaks inside a paragraph."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", markdown)]
    return [b for b in blocks if b.strip()]


def strip_markup(line: str) -> str:
    line = re.sub(r"^- ", "", line)
    return line.replace("**", "")


def render(source: Path, out: Path) -> int:
    text = source.read_text(encoding="utf-8")
    pdf = ActPDF(format="A4")
    pdf.set_title("Délibération BM2025/06/24/12 du Bureau de la Métropole du Grand Paris")
    pdf.set_author("Métropole du Grand Paris")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    for block in paragraphs(text):
        lines = [strip_markup(line) for line in block.splitlines()]
        # A block of « - Vu** … » lines is a list of visas: one paragraph each.
        units = lines if all(l.startswith("Vu") for l in lines) else ["\n".join(lines)]
        for unit in units:
            upper = unit.upper() == unit and any(c.isalpha() for c in unit)
            pdf.set_font("Helvetica", "B" if upper else "", 11.5)
            pdf.multi_cell(0, 6.2, unit, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3.5)
    pdf.output(str(out))
    return pdf.page_no()


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUT
    pages = render(src, dst)
    print(f"{dst}: {pages} pages")
