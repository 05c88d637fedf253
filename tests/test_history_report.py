"""`upright report`: the week's and month's summary as text, JSON, PNG and one self-contained HTML file."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image

from agent.cli import main
from agent.history import summary
from agent.history.days import DayRow
from agent.history.store import HistoryStore
from agent.ui import history_chart

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TODAY = date(2026, 12, 4)  # a Friday


def week_rows() -> list[DayRow]:
    """Mon-Fri: Tuesday the longest stretch (74 min, over the 30 min limit); the weekend empty."""
    rows = []
    for n, (sit_h, longest, prompts, taken, skipped) in enumerate(
            [(6, 28, 10, 9, 1), (7, 74, 12, 8, 3), (5, 31, 9, 9, 0), (6.5, 45, 11, 7, 2), (4, 25, 7, 7, 0)]):
        rows.append(DayRow(f"2026-11-{30 + n}" if n == 0 else f"2026-12-{n:02}", sitting_s=sit_h * 3600,
                           longest_bout_s=longest * 60, prompts=prompts, taken=taken, skipped=skipped,
                           natural_breaks=3, sitting_limit_s=1800.0))
    return rows


def test_the_sentence_names_the_longest_stretch_and_its_day():
    report = summary.build("week", TODAY, week_rows())
    assert report.sentence == "Longest stretch this week: 74 min on Tuesday; 40 of 49 prompted breaks taken."
    assert [d.day for d in report.days][0] == "2026-11-28" and len(report.days) == 7
    month = summary.build("month", TODAY, week_rows())
    assert month.sentence.startswith("Longest stretch this month: 74 min on 1 December")
    assert summary.build("week", TODAY, []).sentence == "No sitting recorded this week."


def chart_column(image: Image.Image, report, day: str, scale: int) -> int:
    left, right = 96 * scale, (history_chart.WIDTH - 24) * scale
    n = [d.day for d in report.days].index(day)
    return round(left + (right - left) / len(report.days) * (n + 0.5))


@pytest.mark.parametrize("span", ["week", "month"])
@pytest.mark.parametrize("scale", [1, 2])
def test_the_chart_draws_each_day_where_it_belongs(scale, span):
    report = summary.build(span, TODAY, week_rows())
    image = history_chart.draw(report, scale).convert("RGB")
    assert image.width == history_chart.WIDTH * scale
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / f"report_{span}_{scale}x.png")
    warn = tuple(int(history_chart.WARN[i:i + 2], 16) for i in (1, 3, 5))
    accent = tuple(int(history_chart.ACCENT[i:i + 2], 16) for i in (1, 3, 5))

    sitting_base = 96 + 24 + history_chart.SITTING_H
    longest_top = sitting_base + 40 + 24
    panels = {"sitting": (96 + 24, sitting_base), "longest": (longest_top, longest_top + history_chart.LONGEST_H)}

    def colours(day, panel):
        x = chart_column(image, report, day, scale)
        top, bottom = panels[panel]
        return {image.getpixel((x, y)) for y in range(top * scale, bottom * scale)}

    assert warn in colours("2026-12-01", "longest")  # Tuesday's 74 min stretch is over the limit
    assert warn not in colours("2026-11-30", "longest")  # Monday's 28 min is not
    assert accent in colours("2026-12-01", "sitting")  # and it has a sitting bar
    assert not {warn, accent} & (colours("2026-11-28", "sitting") | colours("2026-11-28", "longest"))  # Saturday


def seed(folder):
    HistoryStore(folder).write("s", week_rows(), [])


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRIGHT_DATA_DIR", str(tmp_path))

    class Today(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 4, 17, 0)

    monkeypatch.setattr("agent.cli.report_cli.datetime", Today)
    seed(tmp_path)
    return tmp_path


def test_report_json_contract(folder, capsys):
    assert main(["report", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"span", "first", "last", "summary", "sitting_limit_min", "days"}
    assert (doc["span"], doc["first"], doc["last"], doc["sitting_limit_min"]) == ("week", "2026-11-28", "2026-12-04",
                                                                                  30.0)
    tuesday = doc["days"][3]
    assert tuesday["day"] == "2026-12-01" and tuesday["longest_bout_min"] == 74.0 and tuesday["skipped"] == 3
    assert main(["report", "--month", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["days"]) == 30


def test_report_png_and_text(folder, tmp_path, capsys):
    assert main(["report", "--png", str(tmp_path / "w.png"), "--scale", "2"]) == 0
    assert Image.open(tmp_path / "w.png").width == 2 * history_chart.WIDTH
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "Longest stretch this week: 74 min on Tuesday" in out and "Tue 01 Dec" in out


def test_report_html_is_one_self_contained_file(folder, tmp_path, capsys):
    path = tmp_path / "week.html"
    assert main(["report", "--html", str(path)]) == 0
    page = path.read_text()
    (ARTIFACTS / "report_week.html").write_text(page)
    assert "Longest stretch this week: 74 min on Tuesday" in page
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)  # nothing to fetch
    assert "url(" not in page and "<script" not in page
    chart = Image.open(io.BytesIO(base64.b64decode(sources[0].split(",", 1)[1])))
    assert chart.width == 2 * history_chart.WIDTH  # sharp on a HiDPI screen, shown 760 wide


def test_report_to_a_folder_that_cannot_be_written_says_so(folder, capsys):
    assert main(["report", "--png", "/proc/nope/w.png"]) == 2
    assert "upright: cannot write /proc/nope/w.png" in capsys.readouterr().err
