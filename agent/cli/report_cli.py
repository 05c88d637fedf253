"""`upright report [--week|--month] [--png FILE|--html FILE|--json]`: what the week of sitting looked like.

Reads the history (both files, :mod:`agent.history.reader`), builds the
report (:mod:`agent.history.summary`) and prints it as text, or writes the
chart (:mod:`agent.ui.history_chart`) as a PNG, or one self-contained HTML
file with the chart inside it (a data: URI) and the same numbers as a table.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
from datetime import datetime

from agent.cli.errors import UserError
from agent.cli.history_cli import read_history


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "report", help="your week (or month) of sitting: text, PNG, HTML or JSON",
        description="Per day: sitting time, the longest stretch against the sitting limit, prompted breaks "
                    "taken and skipped; and one sentence. A week is the 7 days ending today, a month the 30.")
    span = parser.add_mutually_exclusive_group()
    span.add_argument("--week", dest="span", action="store_const", const="week", help="the last 7 days (default)")
    span.add_argument("--month", dest="span", action="store_const", const="month", help="the last 30 days")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--png", metavar="FILE", help="write the chart as a PNG image")
    out.add_argument("--html", metavar="FILE", help="write one self-contained HTML file (chart and table)")
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--scale", type=int, choices=(1, 2), default=None,
                        help="PNG: 1 = 760 px wide, 2 = 1520 px (default 1; HTML always embeds 2)")
    parser.set_defaults(handler=report_command, span="week")


def report_command(args: argparse.Namespace) -> int:
    from agent.content.checklist_state import data_dir
    from agent.history import summary

    today = datetime.now().date()
    first, last = summary.span_dates(args.span, today)
    report = summary.build(args.span, today, read_history(data_dir(), first, last).days)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    elif args.png:
        _write(args.png, _png(report, args.scale or 1))
        print(f"Wrote {args.png}: {report.sentence}")
    elif args.html:
        _write(args.html, page(report).encode("utf-8"))
        print(f"Wrote {args.html}: {report.sentence}")
    else:
        print(text(report))
    return 0


def text(report) -> str:
    lines = [report.sentence, "", f"{'day':<16}{'sitting':>9}{'longest':>9}{'taken':>7}{'skipped':>9}"]
    for d in report.days:
        lines.append(f"{d.date.strftime('%a %d %b'):<16}{_hm(d.sitting_s):>9}{round(d.longest_bout_s / 60):>6} min"
                     f"{min(d.taken, d.prompts):>4}/{d.prompts:<2}{d.skipped:>8}")
    limit = report.sitting_limit_s
    if limit:
        lines.append(f"\nSitting limit: {limit / 60:g} min")
    return "\n".join(lines)


def page(report) -> str:
    """One HTML file that needs nothing else: the chart as a data: URI, the numbers as a table."""
    chart = base64.b64encode(_png(report, 2)).decode("ascii")
    title = "Upright: this month" if report.span == "month" else "Upright: this week"
    rows = "\n".join(
        f"<tr><td>{d.date.strftime('%a %d %b')}</td><td>{_hm(d.sitting_s)}</td>"
        f"<td>{round(d.longest_bout_s / 60)} min</td><td>{min(d.taken, d.prompts)} of {d.prompts}</td>"
        f"<td>{d.skipped}</td><td>{d.natural_breaks}</td></tr>" for d in report.days)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #F4F7F6; color: #1D2B30; margin: 2em auto; max-width: 800px; }}
img {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
th, td {{ padding: .3em .8em; text-align: right; border-bottom: 1px solid #B7C6C3; }}
th:first-child, td:first-child {{ text-align: left; }}
p.small {{ color: #4A5A60; font-size: .9em; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(report.sentence)}</p>
<img width="760" src="data:image/png;base64,{chart}" alt="{html.escape(report.sentence)}">
<table>
<tr><th>day</th><th>sitting</th><th>longest stretch</th><th>prompted breaks taken</th><th>skipped</th>
<th>natural breaks</th></tr>
{rows}
</table>
<p class="small">Sitting limit: {report.sitting_limit_s / 60:g} min. From {report.first:%d %B} to {report.last:%d %B %Y},
made by Upright on this computer from its own history; nothing was sent anywhere. Not medical advice.</p>
</body></html>
"""


def _png(report, scale: int) -> bytes:
    from agent.ui.history_chart import draw

    buffer = io.BytesIO()
    draw(report, scale).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _write(path: str, data: bytes) -> None:
    from agent.files import atomic

    try:
        atomic.write_bytes(path, data)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None


def _hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02} min" if minutes >= 60 else f"{minutes} min"
