"""The week's (or month's) chart, drawn with Pillow: the "This week" window and `upright report` share it.

Two panels over the same days, so each scale means one thing:

* sitting per day, in hours (teal bars);
* the longest stretch per day, in minutes, against a dashed line at the
  sitting limit (a stretch over the limit is drawn in the warm colour);

and under each day the prompted breaks taken and skipped. The
sentence of the report is the chart's subtitle. ``scale`` 2 draws every
length twice as large (a HiDPI screen, or a sharp image for a document).
No Tk: the command line draws it too.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from agent.history.summary import Report

# The windows' palette (agent/ui/theme.py), repeated here so drawing needs no Tk.
BACKGROUND = "#F4F7F6"
SURFACE = "#FFFFFF"
INK = "#1D2B30"
INK_SOFT = "#4A5A60"
ACCENT = "#1E6F66"
ACCENT_TINT = "#E3EEEC"
BORDER = "#B7C6C3"
WARN = "#A8432A"

WIDTH = 760  # at scale 1
SITTING_H, LONGEST_H = 130, 110  # panel heights


@lru_cache(maxsize=16)
def _font(px: int, bold: bool = False) -> ImageFont.ImageFont:
    names = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold else ("DejaVuSans.ttf",
                                                                            "LiberationSans-Regular.ttf")
    for name in names:
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(px)


class _Canvas:
    """Lengths at scale 1, drawn at ``scale``."""

    def __init__(self, height: int, scale: int) -> None:
        self.s = scale
        self.image = Image.new("RGB", (WIDTH * scale, height * scale), BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)

    def text(self, xy, text, px, fill=INK, bold=False, anchor="la") -> None:
        self.draw.text((xy[0] * self.s, xy[1] * self.s), text, font=_font(px * self.s, bold), fill=fill,
                       anchor=anchor)

    def rect(self, box, fill, outline=None) -> None:
        x0, y0, x1, y1 = (v * self.s for v in box)
        self.draw.rounded_rectangle((x0, y0, x1, max(y0, y1)), radius=min(2 * self.s, (x1 - x0) / 2),
                                    fill=fill, outline=outline)

    def line(self, points, fill, width=1) -> None:
        self.draw.line([(x * self.s, y * self.s) for x, y in points], fill=fill, width=max(1, width * self.s))

    def dashed(self, x0, x1, y, fill) -> None:
        x = x0
        while x < x1:
            self.line([(x, y), (min(x + 6, x1), y)], fill, 2)
            x += 10

    def text_width(self, text, px) -> float:
        return self.draw.textlength(text, font=_font(px * self.s)) / self.s


def draw(report: Report, scale: int = 1) -> Image.Image:
    """The chart of ``report`` as an RGB image, ``WIDTH * scale`` pixels wide."""
    month = report.span == "month"
    top, left, right = 96, 96, WIDTH - 24
    sitting_base = top + 24 + SITTING_H
    longest_top = sitting_base + 40
    longest_base = longest_top + 24 + LONGEST_H
    labels_y = longest_base + 8
    breaks_y = labels_y + (22 if month else 38)
    height = breaks_y + 40 + 44
    c = _Canvas(height, scale)
    c.text((24, 22), "This month" if month else "This week", 20, bold=True)
    c.text((24, 54), report.sentence, 13, fill=INK_SOFT)
    column = (right - left) / len(report.days)
    bar = max(4.0, min(36.0, column * 0.62))
    _sitting_panel(c, report, top, sitting_base, left, right, column, bar)
    _longest_panel(c, report, longest_top, longest_base, left, right, column, bar)
    _day_labels(c, report, labels_y, left, column, month)
    _break_counts(c, report, breaks_y, left, column, month)
    _legend(c, height - 30, report)
    return c.image


def _sitting_panel(c, report, top, base, left, right, column, bar) -> None:
    c.text((24, top), "Sitting per day", 12, bold=True)
    most = max((d.sitting_s for d in report.days), default=0) / 3600
    step = 1 if most <= 4 else 2 if most <= 8 else 4
    hours = max(step, math.ceil(most / step) * step)
    y_of = lambda h: base - SITTING_H * h / hours  # noqa: E731
    for h in range(0, hours + 1, step):
        c.line([(left, y_of(h)), (right, y_of(h))], BORDER if h else INK_SOFT)
        c.text((left - 8, y_of(h)), f"{h} h", 11, fill=INK_SOFT, anchor="rm")
    for n, d in enumerate(report.days):
        x = left + column * n + (column - bar) / 2
        if d.sitting_s > 0:
            c.rect((x, y_of(d.sitting_s / 3600), x + bar, base), ACCENT)


def _longest_panel(c, report, top, base, left, right, column, bar) -> None:
    c.text((24, top), "Longest stretch without a break (min)", 12, bold=True)
    limit = report.sitting_limit_s / 60
    most = max([d.longest_bout_s / 60 for d in report.days] + [limit * 1.5, 30])
    step = 15 if most <= 90 else 30 if most <= 180 else 60
    top_min = math.ceil(most / step) * step
    y_of = lambda m: base - LONGEST_H * m / top_min  # noqa: E731
    for m in range(0, top_min + 1, step):
        c.line([(left, y_of(m)), (right, y_of(m))], BORDER if m else INK_SOFT)
        c.text((left - 8, y_of(m)), f"{m}", 11, fill=INK_SOFT, anchor="rm")
    for n, d in enumerate(report.days):
        x = left + column * n + (column - bar) / 2
        if d.longest_bout_s > 0:
            over = limit and d.longest_bout_s / 60 > limit + 0.5
            c.rect((x, y_of(d.longest_bout_s / 60), x + bar, base), WARN if over else ACCENT_TINT,
                   outline=WARN if over else ACCENT)
    if limit:  # the line's label sits with the panel's title, clear of the bars
        c.dashed(left, right, y_of(limit), INK)
        label = f"sitting limit {limit:g} min"
        c.text((right, top + 1), label, 11, fill=INK, anchor="ra")
        c.dashed(right - c.text_width(label, 11) - 30, right - c.text_width(label, 11) - 8, top + 8, INK)


def _day_labels(c, report, y, left, column, month) -> None:
    for n, d in enumerate(report.days):
        x = left + column * (n + 0.5)
        day = d.date
        if month:
            c.text((x, y), str(day.day), 10, fill=INK if day.weekday() < 5 else INK_SOFT, anchor="ma")
        else:
            c.text((x, y), day.strftime("%a"), 12, bold=True, anchor="ma")
            c.text((x, y + 16), f"{day.day} {day.strftime('%b')}", 11, fill=INK_SOFT, anchor="ma")


def _break_counts(c, report, y, left, column, month) -> None:
    """Prompted breaks taken and skipped, a row each, labelled at the left."""
    px = 10 if month else 12
    c.text((24, y), "✓ taken", 11, bold=True, fill=ACCENT)
    c.text((24, y + 18), "✗ skipped", 11, bold=True, fill=WARN)
    for n, d in enumerate(report.days):
        if not d.prompts:
            continue
        x = left + column * (n + 0.5)
        c.text((x, y + 1), str(min(d.taken, d.prompts)), px, fill=ACCENT, bold=True, anchor="ma")
        c.text((x, y + 19), str(d.skipped), px, fill=WARN, bold=not month or d.skipped > 0, anchor="ma")


def _legend(c, y, report) -> None:
    x = 24
    for swatch, outline, text in ((ACCENT, None, "sitting"), (ACCENT_TINT, ACCENT, "longest stretch"),
                                  (WARN, WARN, "over the limit")):
        c.rect((x, y - 5, x + 12, y + 7), swatch, outline=outline)
        c.text((x + 18, y + 1), text, 11, fill=INK_SOFT, anchor="lm")
        x += 18 + c.text_width(text, 11) + 20
    c.dashed(x, x + 22, y + 1, INK)
    c.text((x + 28, y + 1), "sitting limit", 11, fill=INK_SOFT, anchor="lm")
