"""The drivers and trends report as a PDF for the strategic board and the LSCP executive (6.3a).

Drawn with fpdf2's core Helvetica font: no files to ship, and the same figures as the page."""

from __future__ import annotations

from fpdf import FPDF

from mace.core import disclosure

from .reports import DriversReport

BLUE = (29, 112, 184)
GREY = (80, 90, 95)
FREE_TEXT_WITHHELD = (
    "Where children were found and who they were with are not shown: they are written as free text, "
    "which can name children."
)


def _ascii(text: str) -> str:
    """Core PDF fonts are Latin-1: keep what fits, replace what does not."""
    return text.replace("\u2013", "-").replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")


def _bars(doc: FPDF, title: str, rows: list[tuple[str, int]], *, suppress: bool = False) -> None:
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, _ascii(title), new_x="LMARGIN", new_y="NEXT")
    peak = max((n for _, n in rows), default=0) or 1
    doc.set_font("Helvetica", "", 9)
    for label, n in rows:
        y = doc.get_y()
        doc.set_xy(doc.l_margin, y)
        doc.cell(60, 6, _ascii(label)[:40])
        doc.set_fill_color(*BLUE)
        # A count of 1 to 4 hidden from the reader is drawn as no bar: its length would give it away.
        width = 0 if disclosure.small(n, suppress=suppress) else 100 * n / peak
        if width > 0:
            doc.rect(doc.l_margin + 62, y + 1, width, 4, style="F")
        doc.set_xy(doc.l_margin + 64 + width, y)
        doc.cell(20, 6, disclosure.count_str(n, suppress=suppress), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)


def _table(doc: FPDF, title: str, head: list[str], rows: list[list[str]]) -> None:
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, _ascii(title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 8)
    with doc.table(col_widths=(50, *([20] * (len(head) - 1))), text_align="LEFT") as table:
        header = table.row()
        for h in head:
            header.cell(_ascii(h))
        for r in rows:
            row = table.row()
            for cell in r:
                row.cell(_ascii(cell))
    doc.ln(3)


def drivers_pdf(report: DriversReport, *, partnership: str = "") -> bytes:
    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.set_title("Why children go missing: drivers and trends")
    doc.set_author("MACE")
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, "Why children go missing: drivers and trends", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    doc.set_text_color(*GREY)
    period = f"{report.periods[0].label} to {report.periods[-1].label}" if report.periods else ""
    doc.cell(
        0, 6, _ascii(f"{partnership} - {period}. Counted from MACE records."), new_x="LMARGIN", new_y="NEXT"
    )
    doc.set_text_color(0, 0, 0)
    doc.ln(2)
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, "Findings", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for line in report.findings:
        doc.multi_cell(0, 5, _ascii(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    labels = [p.label for p in report.periods]
    n = report.n
    _bars(
        doc, "Episodes by period", [(p.label, p.episodes) for p in report.periods], suppress=report.suppress
    )
    _table(
        doc,
        "Trends",
        ["Figure", *labels],
        [
            ["Episodes", *[n(p.episodes) for p in report.periods]],
            ["Children", *[n(p.children) for p in report.periods]],
            ["Children missing more than once", *[n(p.repeat_children) for p in report.periods]],
            ["High risk episodes", *[n(p.high_risk_rate) for p in report.periods]],
            ["Median hours missing", *[str(p.median_hours or "-") for p in report.periods]],
            ["Interviews completed", *[n(p.interviews_completed) for p in report.periods]],
            ["Found with another person", *[n(p.found_with) for p in report.periods]],
        ],
    )
    _bars(
        doc,
        f"Reasons children gave, {labels[-1] if labels else ''}",
        report.reasons_latest,
        suppress=report.suppress,
    )
    for title, rows in (
        ("Push factors (reasons to leave)", report.push_rows),
        ("Pull factors (reasons to go)", report.pull_rows),
        ("Where children were found", report.place_rows),
        ("Who children were with", report.associate_rows),
        ("When children went missing", report.hour_rows),
    ):
        if rows:
            _table(doc, title, ["", *labels], [[label, *[n(c) for c in counts]] for label, counts in rows])
    if not report.free_text:
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(0, 5, FREE_TEXT_WITHHELD, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
