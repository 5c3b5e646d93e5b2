"""Documents the bot renders: a bill as a PDF receipt with a payment QR code per supplier,
and a consumption chart as a PNG. Both are CPU work: callers run them in a thread."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import matplotlib
import segno
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.history import SupplierBlock
from domain.model import Account, Bill
from rendering.texts import format_unit

matplotlib.use("Agg")  # no screen: render to files only

# DejaVu ships with matplotlib and has Cyrillic: no system font is needed.
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))

Text = Callable[..., str]  # a locale key and its arguments to a text


class QrCode(Flowable):
    """A QR code drawn module by module, so that the payload is exactly the UTF-8 text."""

    def __init__(self, payload: str, size: float = 38 * mm) -> None:
        super().__init__()
        self.matrix = segno.make(payload, encoding="utf-8", error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        quiet = 4
        cells = len(self.matrix) + 2 * quiet
        cell = self.size / cells
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect(
                        (x + quiet) * cell,
                        self.size - (y + quiet + 1) * cell,
                        cell,
                        cell,
                        stroke=0,
                        fill=1,
                    )


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=8.5, leading=11)
    title = ParagraphStyle(
        "title", parent=body, fontName="DejaVuSans-Bold", fontSize=12, leading=15
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName="DejaVuSans-Bold", fontSize=10, leading=13
    )
    return body, title, heading


def receipt_pdf(
    t: Text,
    money: Callable[[Decimal], str],
    account: Account,
    bill: Bill,
    month: str,
    blocks: Sequence[SupplierBlock],
) -> bytes:
    """The month's bill as a printable receipt."""
    body, title, heading = _styles()
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9)
    story: list[Flowable] = [
        Paragraph(t("receipt-title", month=month), title),
        Paragraph(t("receipt-account", number=account.number), body),
        Paragraph(t("receipt-payer", owner=account.owner_name), body),
        Paragraph(t("receipt-address", address=account.address), body),
        Spacer(1, 4 * mm),
    ]
    for block in blocks:
        supplier, line = block.supplier, block.line
        details = Paragraph(
            t(
                "receipt-supplier",
                name=supplier.name,
                inn=supplier.inn,
                bic=supplier.bic,
                account=supplier.settlement_account,
                corr=supplier.correspondent_account,
                bank=supplier.bank_name,
                personal=block.supplier_account,
            ),
            body,
        )
        totals = Paragraph(
            t(
                "receipt-totals",
                debt=money(line.debt_start),
                paid=money(line.paid),
                charged=money(line.charged),
                penalties=money(line.penalties),
                total=money(line.to_pay),
            ),
            body,
        )
        head = Table(
            [[[details, Spacer(1, 2 * mm), totals], QrCode(block.qr_payload)]],
            colWidths=[128 * mm, 42 * mm],
        )
        head.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]
            )
        )
        rows = [
            [
                Paragraph(t(f"receipt-column-{c}"), cell)
                for c in (
                    "service",
                    "unit",
                    "quantity",
                    "tariff",
                    "debt",
                    "paid",
                    "charged",
                    "support",
                    "corrections",
                    "end",
                )
            ]
        ]
        for service in line.services:
            rows.append(
                [
                    Paragraph(str(v), cell)
                    for v in (
                        service.service,
                        format_unit(service.unit),
                        service.quantity.normalize(),
                        money(service.tariff),
                        money(service.debt_start),
                        money(service.paid),
                        money(service.charged),
                        money(service.social_support),
                        money(service.corrections),
                        money(service.debt_end),
                    )
                ]
            )
        services = Table(
            rows, colWidths=[36 * mm, 15 * mm, 15 * mm] + [14.9 * mm] * 7, repeatRows=1
        )
        services.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story += [head, Spacer(1, 1 * mm), services, Spacer(1, 5 * mm)]
    story.append(Paragraph(t("receipt-grand-total", total=money(bill.total)), heading))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=t("receipt-title", month=month),
        author=t("receipt-author"),
    ).build(story)
    return out.getvalue()


def consumption_chart(
    title: str,
    unit: str,
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    no_reading: str,
) -> bytes:
    """Consumption per month, a bar per tariff zone side by side (labelled in the legend
    where there are several); a month without a reading says so instead of a bar."""
    # A Figure of its own, not pyplot's global state: charts are drawn in worker threads.
    figure = Figure(figsize=(8, 4), dpi=100)
    axes = figure.subplots()
    width = 0.8 / len(series)
    colours = ("#f28c28", "#3b6fb6", "#6aa84f")
    highest = max((float(v) for _, values in series for v in values if v is not None), default=1)
    for index, (label, values) in enumerate(series):
        positions = [m + (index - (len(series) - 1) / 2) * width for m in range(len(months))]
        heights = [float(v) if v is not None else 0.0 for v in values]
        axes.bar(positions, heights, width, label=label or None, color=colours[index % 3])
        for x, value in zip(positions, values, strict=True):
            if value is None:
                axes.text(
                    x,
                    highest * 0.02,
                    no_reading,
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color="#777777",
                )
    axes.set_xticks(range(len(months)), list(months))
    axes.set_title(title)
    axes.set_ylabel(format_unit(unit))
    axes.grid(axis="y", alpha=0.3)
    axes.tick_params(axis="x", labelrotation=45)
    if len(series) > 1:
        axes.legend()
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
