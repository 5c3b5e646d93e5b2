"""Documents the bot renders: a bill as a PDF receipt with a payment QR code per supplier,
and a consumption chart as a PNG. Both are CPU work: callers run them in a thread."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
import segno
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.history import BillDetail, SupplierBlock
from domain.model import Reading
from rendering.texts import format_day, format_money, format_unit, format_value

matplotlib.use("Agg")  # no screen: render to files only

# DejaVu ships with matplotlib and has Cyrillic: no system font is needed.
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
# <b> in a paragraph picks the family's bold face.
registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")

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


PAGE = landscape(A4)  # the service table's ten columns read without breaking a word
MARGIN = 10 * mm
WIDTH = PAGE[0] - 2 * MARGIN
SERVICE_COLUMNS = (
    ("service", 68 * mm),
    ("unit", 17 * mm),
    ("quantity", 20 * mm),
    ("tariff", 22 * mm),
    ("debt", 27 * mm),
    ("paid", 25 * mm),
    ("charged", 25 * mm),
    ("support", 22 * mm),
    ("corrections", 25 * mm),
    ("end", 26 * mm),
)
METER_COLUMNS = (
    ("meter", 45 * mm),
    ("service", 72 * mm),
    ("zone", 25 * mm),
    ("previous", 40 * mm),
    ("current", 40 * mm),
    ("consumption", 35 * mm),
    ("unit", 20 * mm),
)
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
    ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
]


def receipt_pdf(t: Text, locale: str, detail: BillDetail, month: str) -> bytes:
    """The month's bill as the single payment document (ЕПД) residents know: the payer and
    the period, each supplier's block with its bank details, totals and payment QR code and
    its service table, the meters' readings, the dates. Numbers and amounts are never broken
    across lines: a table cell holds each on one line."""
    account, bill = detail.account, detail.bill
    body, title, heading = _styles()
    header = ParagraphStyle("header", parent=body, fontName="DejaVuSans-Bold", fontSize=7.5)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9)

    def money(amount: Decimal) -> str:
        return format_money(amount, locale)

    payer = [
        Paragraph(t("receipt-title", month=month), title),
        Paragraph(t("receipt-account", number=account.number), body),
        Paragraph(t("receipt-link-code", code=account.link_code), body),
        Paragraph(t("receipt-payer", owner=account.owner_name), body),
        Paragraph(t("receipt-address", address=account.address), body),
        Paragraph(
            t(
                "receipt-premises",
                total=format_value(account.total_area, locale),
                living=format_value(account.living_area, locale),
                persons=account.registered_persons,
            ),
            body,
        ),
    ]
    dates = [
        Paragraph(t("receipt-issued", date=format_day(bill.issued_on, locale)), body),
        Paragraph(t("receipt-pay-by", date=format_day(bill.pay_by, locale)), body),
        Paragraph(t("receipt-grand-total", total=money(bill.total)), heading),
    ]
    top = Table([[payer, dates]], colWidths=[WIDTH - 85 * mm, 85 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Flowable] = [top, Spacer(1, 4 * mm)]
    for block in detail.blocks:
        story += _supplier_block(t, locale, block, body, header, cell)
    if detail.meters:
        story.append(Paragraph(t("receipt-meters"), heading))
        rows: list[list[Any]] = [
            [Paragraph(t(f"receipt-meter-{key}"), header) for key, _ in METER_COLUMNS]
        ]
        for line in detail.meters:
            rows.append(
                [
                    line.meter.number,
                    Paragraph(t(f"meter-service-{line.meter.service}"), cell),
                    t("receipt-zone", zone=line.zone.value),
                    _reading(line.previous, line.meter.on_dial, locale),
                    _reading(line.current, line.meter.on_dial, locale),
                    format_value(line.consumption, locale) if line.consumption is not None else "—",
                    format_unit(line.meter.unit, locale),
                ]
            )
        readings = Table(rows, colWidths=[w for _, w in METER_COLUMNS], repeatRows=1)
        readings.setStyle(TableStyle(GRID))
        story += [Spacer(1, 1 * mm), readings]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=t("receipt-title", month=month),
        author=t("receipt-author"),
    ).build(story)
    return out.getvalue()


def _reading(reading: Reading | None, on_dial: Callable[[Decimal], Decimal], locale: str) -> str:
    if reading is None:
        return "—"
    return format_value(on_dial(reading.value), locale)


def _supplier_block(
    t: Text,
    locale: str,
    block: SupplierBlock,
    body: ParagraphStyle,
    header: ParagraphStyle,
    cell: ParagraphStyle,
) -> list[Flowable]:
    supplier, line = block.supplier, block.line

    def money(amount: Decimal) -> str:
        return format_money(amount, locale)

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
    totals = Table(
        [
            [t(f"receipt-total-{key}"), money(value)]
            for key, value in (
                ("debt", line.debt_start),
                ("paid", line.paid),
                ("charged", line.charged),
                ("support", line.social_support),
                ("corrections", line.corrections),
                ("end", line.debt_end),
                ("penalties", line.penalties),
                ("to-pay", line.to_pay),
            )
        ],
        colWidths=[40 * mm, 30 * mm],
    )
    totals.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("FONTNAME", (0, -1), (-1, -1), "DejaVuSans-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    qr_size = 38 * mm
    head = Table(
        [[details, totals, QrCode(block.qr_payload, qr_size)]],
        colWidths=[WIDTH - 74 * mm - qr_size - 4 * mm, 74 * mm, qr_size + 4 * mm],
    )
    head.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]
        )
    )
    rows: list[list[Any]] = [
        [Paragraph(t(f"receipt-column-{key}"), header) for key, _ in SERVICE_COLUMNS]
    ]
    for service in line.services:
        rows.append(
            [
                Paragraph(service.service, cell),
                Paragraph(format_unit(service.unit, locale), cell),
                format_value(service.quantity.normalize(), locale),
                money(service.tariff),
                money(service.debt_start),
                money(service.paid),
                money(service.charged),
                money(service.social_support),
                money(service.corrections),
                money(service.debt_end),
            ]
        )
    services = Table(rows, colWidths=[w for _, w in SERVICE_COLUMNS], repeatRows=1)
    services.setStyle(TableStyle(GRID))
    return [head, Spacer(1, 1 * mm), services, Spacer(1, 5 * mm)]


def consumption_chart(
    title: str,
    unit: str,
    locale: str,
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    no_reading: str,
    partial: int | None = None,
) -> bytes:
    """Consumption per month, a bar per tariff zone side by side (labelled in the legend
    where there are several); a month without a reading says so instead of a bar, and the
    ``partial`` month, not over yet, is hatched: its bar is what was counted so far."""
    # A Figure of its own, not pyplot's global state: charts are drawn in worker threads.
    figure = Figure(figsize=(8, 4), dpi=100)
    axes = figure.subplots()
    width = 0.8 / len(series)
    colours = ("#f28c28", "#3b6fb6", "#6aa84f")
    highest = max((float(v) for _, values in series for v in values if v is not None), default=1)
    for index, (label, values) in enumerate(series):
        positions = [m + (index - (len(series) - 1) / 2) * width for m in range(len(months))]
        heights = [float(v) if v is not None else 0.0 for v in values]
        bars = axes.bar(positions, heights, width, label=label or None, color=colours[index % 3])
        if partial is not None:
            bars[partial].set_hatch("//")
            bars[partial].set_alpha(0.5)
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
    axes.set_ylabel(format_unit(unit, locale))
    axes.grid(axis="y", alpha=0.3)
    axes.tick_params(axis="x", labelrotation=45)
    if len(series) > 1:
        axes.legend()
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
