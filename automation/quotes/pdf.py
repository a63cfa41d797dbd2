"""The quote as PDF, drawn with fpdf2 (pure Python: no system library needed).

Core PDF fonts only (Helvetica): text outside Latin-1 is transliterated where it can be
and replaced with "?" where it can't, so no customer's name breaks a PDF.
"""

import unicodedata
from io import BytesIO

from fpdf import FPDF

from .services import company_settings

REPLACEMENTS = {
    "\u20ac": "EUR",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "-",
}


def latin1(text) -> str:
    text = str(text or "")
    for char, plain in REPLACEMENTS.items():
        text = text.replace(char, plain)
    try:
        return text.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        return kept.encode("latin-1", "replace").decode("latin-1")


def amount(value, currency="") -> str:
    text = f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


def quantity(value) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


class QuotePDF(FPDF):
    def __init__(self, quote, company):
        super().__init__(format="A4")
        self.quote = quote
        self.company = company
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(latin1(f"Quote {quote.label}"))
        self.set_author(latin1(company.name or "salesproc"))

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 5, latin1(f"{self.quote.label} - page {self.page_no()}/{{nb}}"), align="R")
        self.set_text_color(0)


def _header(pdf, quote, company, logo):
    top = pdf.get_y()
    if logo is not None:
        try:
            pdf.image(logo, x=pdf.l_margin, y=top, h=18)
        except Exception:  # a broken upload must not stop the quote
            pass
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_xy(110, top)
    pdf.multi_cell(0, 6, latin1(company.name or ""), align="R")
    pdf.set_font("Helvetica", size=9)
    lines = [*company.address.splitlines(), company.email, company.phone]
    pdf.set_x(110)
    pdf.multi_cell(0, 4.5, latin1("\n".join(line for line in lines if line.strip())), align="R")
    pdf.set_y(max(pdf.get_y(), top + 22) + 6)

    deal = quote.deal
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 9, latin1(f"Quote {quote.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    contact = deal.primary_contact
    facts = [
        ("For", deal.account.name),
        ("Attention", contact.full_name if contact else ""),
        ("Version", str(quote.version)),
        ("Date", f"{(quote.sent_at or quote.created_at):%d %b %Y}"),
        ("Valid until", f"{quote.valid_until:%d %b %Y}"),
        ("Currency", quote.currency),
    ]
    for label, value in facts:
        if value:
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(28, 5.5, latin1(label))
            pdf.set_font("Helvetica", size=10)
            pdf.cell(0, 5.5, latin1(value), new_x="LMARGIN", new_y="NEXT")
    if quote.title:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, latin1(quote.title))
    pdf.ln(3)


COLUMNS = (
    ("Description", 84, "L"),
    ("Qty", 16, "R"),
    ("Unit price", 28, "R"),
    ("Disc. %", 16, "R"),
    ("Total", 34, "R"),
)


def _lines(pdf, quote, lines):
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(235, 238, 243)
    for title, width, align in COLUMNS:
        pdf.cell(width, 7, title, border="B", align=align, fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for line in lines:
        values = (
            line.description,
            quantity(line.quantity),
            amount(line.unit_price),
            f"{line.discount_percent:.2f}" if line.discount_percent else "",
            amount(line.total),
        )
        if pdf.will_page_break(6):
            pdf.add_page()
        for (_, width, align), value in zip(COLUMNS, values, strict=True):
            text = latin1(value)
            while width > 4 and pdf.get_string_width(text) > width - 2:
                text = text[:-2] + "~"
            pdf.cell(width, 6, text, border="B", align=align)
        pdf.ln()


def _totals(pdf, quote):
    pdf.ln(2)
    rows = [("Subtotal", quote.subtotal)]
    if quote.discount_amount:
        rows.append((f"Discount {quote.discount_percent:.2f}%", -quote.discount_amount))
    rows += [("Net", quote.net_total), (f"Tax {quote.tax_rate:.2f}%", quote.tax_amount)]
    for label, value in rows:
        pdf.set_x(pdf.l_margin + 100)
        pdf.cell(44, 6, latin1(label), align="R")
        pdf.cell(34, 6, amount(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_x(pdf.l_margin + 100)
    pdf.cell(44, 8, "Total", border="T", align="R")
    pdf.cell(
        34,
        8,
        latin1(amount(quote.total, quote.currency)),
        border="T",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=9)


def _text_block(pdf, title, text):
    if not text.strip():
        return
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 4.8, latin1(text.strip()))


def render_quote_pdf(quote, *, lines=None, company=None) -> bytes:
    """The quote's PDF as bytes (lines: the quote's lines, when already fetched)."""
    company = company or company_settings()
    lines = list(quote.lines.all()) if lines is None else lines
    logo = None
    if company.logo:
        try:
            with company.logo.open("rb") as handle:
                logo = BytesIO(handle.read())
        except OSError:
            logo = None
    pdf = QuotePDF(quote, company)
    pdf.add_page()
    if quote.cover_letter.strip():
        _header(pdf, quote, company, logo)
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5.2, latin1(quote.cover_letter.strip()))
        pdf.add_page()
    _header(pdf, quote, company, logo)
    _lines(pdf, quote, lines)
    _totals(pdf, quote)
    _text_block(pdf, "Terms", quote.terms)
    return bytes(pdf.output())
