"""The health content: it loads, it says what the brief says, and every claim has its source.

The source articles live outside the repository (CONTENT.md's reference/
folder, ``$UPRIGHT_REFERENCE_DIR`` or /work/shared/reference); the tests
that read them skip, saying so, where they are not at hand. The rest
(validation, error messages) always run.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.content import texts as content
from agent.content.texts import ContentError
from agent.files import tomlfile
from tests.reference import NEED_ARTICLES, REFERENCE  # noqa: E402

CONTENT_FILES = ["posture.toml", "lumbar.toml", "spasm_guide.toml", "red_flags.toml"]


def cited_tables(doc):
    """Every table in a content document that cites sources."""
    if isinstance(doc, dict):
        if "sources" in doc:
            yield doc
        for value in doc.values():
            yield from cited_tables(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from cited_tables(value)


def shipped(name: str) -> dict:
    return tomllib.loads((content.content_dir() / name).read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the shipped files ---------------------------------------------------------


def test_every_shipped_file_loads():
    for name in content.CHECKLISTS:
        assert content.checklist(name).items
    assert content.spasm_guide().sections
    assert content.red_flags().flags


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_item_names_known_sources_and_quotes_them(name):
    known = content.sources()
    tables = list(cited_tables(shipped(name)))
    assert tables
    for table in tables:
        assert table["sources"] and set(table["sources"]) <= known
        assert table["quotes"]


@NEED_ARTICLES
def test_the_source_index_matches_the_articles():
    for entry in shipped("sources.toml")["source"]:
        path = REFERENCE / entry["file"]
        assert path.is_file(), f"{entry['file']} is not in {REFERENCE}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], f"{path} changed"
    assert {p.name for p in REFERENCE.glob("*.txt")} == set(content.sources())


@NEED_ARTICLES
@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_quote_is_in_its_sources_and_every_source_is_quoted(name):
    """Faithfulness: an item rests on the articles' own words, from each article it names."""
    articles = {p.name: squash(p.read_text(encoding="utf-8")) for p in REFERENCE.glob("*.txt")}
    for table in cited_tables(shipped(name)):
        quoted = set()
        for quote in table["quotes"]:
            found = {source for source in table["sources"] if squash(quote) in articles[source]}
            assert found, f"{name}: {table.get('id', '')}: quote not in {table['sources']}: {quote!r}"
            quoted |= found
        assert quoted == set(table["sources"]), f"{name}: {table.get('id', '')}: nothing quoted from " \
                                                f"{set(table['sources']) - quoted}"


def test_the_posture_checklist_covers_the_brief():
    ids = [item.id for item in content.checklist("posture").items]
    assert ids == ["spine_aligned", "back_straight_head_up", "feet_flat", "screen_eye_level", "no_soft_seats",
                   "flat_shoes", "change_position"]
    shoes = {item.id: item for item in content.checklist("posture").items}["flat_shoes"]
    assert shoes.sources == ("002_839ad09e255c9c90.txt",)


def test_the_lumbar_checklist_covers_the_brief():
    items = {item.id: item for item in content.checklist("lumbar").items}
    assert list(items) == ["lumbar_support", "workstation_adjusted", "standing_desk", "regular_breaks"]
    assert "003_4fef8be1cc5a789b.txt" in items["standing_desk"].sources
    assert "30 minutes" in items["regular_breaks"].text


def test_every_why_is_one_short_line():
    for name in content.CHECKLISTS:
        for item in content.checklist(name).items:
            assert "\n" not in item.why and len(item.why) <= content.LINE_MAX, item.id


def test_the_cold_pack_numbers_are_the_articles():
    pack = content.spasm_guide().cold_pack
    assert (pack.pack_minutes, pack.pack_max_minutes) == (15, 20)
    assert (pack.heat_from_hours, pack.cold_until_hours) == (48, 72)


def test_the_guide_covers_the_brief():
    guide = content.spasm_guide()
    sections = {section.id: section for section in guide.sections}
    assert list(sections) == ["rest", "cold_then_heat", "positions", "log_roll", "gentle_movement",
                              "pain_relievers", "see_a_professional"]
    assert "a day or two" in sections["rest"].text
    assert "towel" in sections["cold_then_heat"].text and "15 to 20 minutes" in sections["cold_then_heat"].text
    assert "48 to 72 hours" in sections["cold_then_heat"].text
    assert "knees" in sections["positions"].text and "side" in sections["positions"].text
    assert "roll onto your side" in sections["log_roll"].text
    assert "label" in sections["pain_relievers"].text and "healthcare professional" in sections["pain_relievers"].text
    professional = sections["see_a_professional"]
    assert "72 hours" in professional.text and "beyond a week" in professional.text
    assert set(professional.sources) == {"002_839ad09e255c9c90.txt", "000_4e08601afce4377e.txt"}


def test_the_red_flags_cover_the_brief():
    flags = content.red_flags()
    texts = " | ".join(flag.text for flag in flags.flags).lower()
    for words in ("bowel or bladder", "saddle", "tingling", "below the knee", "paralysis", "car accident",
                  "fever and chills", "weight loss", "getting worse"):
        assert words in texts
    assert flags.heading == "Seek medical care now"


def test_pictures_are_ids_and_messages_are_found_with_lines():
    messages = list(content.messages(content.content_dir() / "posture.toml"))
    assert messages[0] == ("Keep your spine aligned when sitting, standing and lifting.", 10)
    assert all(isinstance(line, int) for _text, line in messages)


# --- broken files: every problem, pinned to its line ----------------------------

GOOD_ITEM = '''[[item]]
id = "feet_flat"
text = "Feet flat on the floor."
why = "Helps."
picture = "feet"
sources = ["004_ec9e1d02dfa3140f.txt"]
quotes = ["keep feet flat"]
'''


def load_text(tmp_path, text: str, kind=content.load_checklist) -> list[str]:
    path = tmp_path / "list.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        kind(path, content.sources())
    return [str(problem) for problem in caught.value.problems]


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD_ITEM + GOOD_ITEM.replace("feet_flat", "other"), encoding="utf-8")
    checklist = content.load_checklist(path, content.sources())
    assert checklist.id == "mine" and [item.id for item in checklist.items] == ["feet_flat", "other"]


def test_problems_name_file_line_and_key(tmp_path):
    text = GOOD_ITEM + GOOD_ITEM.replace('why = "Helps."', 'whyy = "Helps."').replace(
        '"004_ec9e1d02dfa3140f.txt"', '"999_nope.txt"')
    problems = load_text(tmp_path, text)
    path = tmp_path / "list.toml"
    assert problems == [  # in file order, all at once
        f"{path}:8: item[2]: missing why",
        f"{path}:9: item[2].id: \"feet_flat\" is already the id of item[1]",
        f"{path}:11: item[2].whyy: unknown key; did you mean 'why'?",
        f"{path}:13: item[2].sources: \"999_nope.txt\" is not listed in sources.toml",
    ]


@pytest.mark.parametrize("change, message", [
    (('why = "Helps."', 'why = """Helps.\nA lot."""'), "item[1].why: must be one line"),
    (('why = "Helps."', f'why = "{"x" * 121}"'), "item[1].why: too long for one line"),
    (('id = "feet_flat"', 'id = "Feet Flat"'), 'item[1].id: "Feet Flat" is not an id'),
    (('text = "Feet flat on the floor."', 'text = "  "'), "item[1].text: is empty"),
    (('text = "Feet flat on the floor."', 'text = 3'), "item[1].text: expected a string, got an integer (3)"),
    (('quotes = ["keep feet flat"]', 'quotes = []'), "item[1].quotes: expected a non-empty array"),
    (('sources = ["004_ec9e1d02dfa3140f.txt"]', 'sources = "004_ec9e1d02dfa3140f.txt"'),
     "item[1].sources: expected a non-empty array of source file names"),
])
def test_each_kind_of_bad_value(tmp_path, change, message):
    problems = load_text(tmp_path, GOOD_ITEM.replace(*change))
    assert len(problems) == 1 and message in problems[0], problems
    assert re.match(r".*list\.toml:\d+: ", problems[0])


def test_missing_and_unknown_tables(tmp_path):
    problems = load_text(tmp_path, 'colour = "x"\n')
    path = tmp_path / "list.toml"
    assert problems == [f"{path}:1: colour: unknown key; this file has item",
                        f"{path}: item: missing: add a [[item]] table"]


def test_syntax_errors_and_bad_bytes_are_problems_too(tmp_path):
    [problem] = load_text(tmp_path, GOOD_ITEM + "[[item]\n")
    assert problem == f"{tmp_path / 'list.toml'}:8: TOML syntax error: Expected ']]' at the end of an array " \
                      "declaration (column 7)"
    path = tmp_path / "bad.toml"
    path.write_bytes(b"# caf\xe9\n")
    with pytest.raises(ContentError) as caught:
        content.load_checklist(path, content.sources())
    assert str(caught.value).startswith(f"{path}:1: not UTF-8")


def test_the_guide_numbers_must_agree(tmp_path):
    text = (content.content_dir() / "spasm_guide.toml").read_text(encoding="utf-8")
    text = text.replace("pack_minutes = 15 ", "pack_minutes = 25 ").replace("heat_from_hours = 48", "heat_from_hours = 0")
    problems = load_text(tmp_path, text, content.load_spasm_guide)
    assert any("cold_pack.pack_minutes: must not be more than pack_max_minutes (20), got 25" in p for p in problems)
    assert any("cold_pack.heat_from_hours: expected a positive number, got an integer (0)" in p for p in problems)


def test_line_finder_numbers_arrays_of_tables():
    text = '[[item]]\nid = "a"\n\n[[item]]\nid = "b"\n[item.extra]\nx = 1\n[other]\ny = 2\n'
    lines = tomlfile.key_lines(text)
    assert lines[("item", 0, "id")] == 2 and lines[("item", 1, "id")] == 5
    assert lines[("item", 1, "extra", "x")] == 7 and lines[("other", "y")] == 9
    assert tomlfile.dotted(("item", 1, "extra", "x")) == "item[2].extra.x"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "[[item]]", "[item]", "[[section]]", "[cold_pack]", 'id = "x"', "id = 1", 'text = "t"', 'why = "w"',
    'picture = "p"', 'sources = ["000_4e08601afce4377e.txt"]', 'sources = ["x"]', "quotes = []", 'quotes = ["q"]',
    "pack_minutes = -1", "pack_minutes = 15", "pack_max_minutes = 20", "heat_from_hours = true", '"', "=", "[",
]), max_size=14))
def test_any_file_gives_content_or_a_content_error(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "f.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for loader in (content.load_checklist, content.load_spasm_guide, content.load_red_flags):
        try:
            loader(path, content.sources())
        except ContentError as error:
            assert error.problems and all(str(problem).startswith(str(path)) for problem in error.problems)
