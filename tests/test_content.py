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
from tests.reference import REFERENCE  # noqa: E402

CONTENT_FILES = ["posture.toml", "lumbar.toml", "spasm_guide.toml", "red_flags.toml", "lifting.toml"]
NEED_ARTICLES = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"source articles not found in {REFERENCE}")


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
    assert content.lifting().tips


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
                              "hydration", "pain_relievers", "see_a_professional"]
    assert "a day or two" in sections["rest"].text
    assert "towel" in sections["cold_then_heat"].text and "15 to 20 minutes" in sections["cold_then_heat"].text
    assert "48 to 72 hours" in sections["cold_then_heat"].text
    assert "knees" in sections["positions"].text and "side" in sections["positions"].text
    assert "Avoid lying on your stomach" in sections["positions"].text  # 001, on the safe side of its own "or on your stomach"
    assert sections["hydration"].heading == "Stay hydrated" and "000_4e08601afce4377e.txt" in sections["hydration"].sources
    assert "roll onto your side" in sections["log_roll"].text
    assert "label" in sections["pain_relievers"].text and "healthcare professional" in sections["pain_relievers"].text
    professional = sections["see_a_professional"]
    assert "72 hours" in professional.text and "beyond a week" in professional.text
    assert set(professional.sources) == {"002_839ad09e255c9c90.txt", "000_4e08601afce4377e.txt"}


# The red flags the articles list, and the least urgent level each may have on the card:
# 001's emergency list ("seek emergency medical care"), 001's "call for medical advice" list,
# the "immediately" of 001's conclusion, and 004's and 002's "When ... help" paragraphs.
# Each phrase is the article's own words; a flag must quote it.
ARTICLE_RED_FLAGS = [
    ("001", "Loss of bowel or bladder control", "now"),
    ("001", "Numbness in your anal or genital area", "now"),
    ("001", "Paralysis in your legs", "now"),
    ("001", "Severe weakness", "now"),
    ("001", "Worsening pain", "now"),
    ("001", "You have bowel or bladder control problems.", "soon"),
    ("001", "You develop new numbness in your anal or genital area.", "soon"),
    ("001", "You develop new weaknesses in your legs.", "soon"),
    ("001", "Your pain gets worse with rest, improves with activity, and is not helped by over-the-counter "
            "medicines.", "soon"),
    ("001", "You have trouble performing daily activities such as dressing, bathing, and going to the bathroom.",
     "soon"),
    ("001", "If you have severe back pain, call your doctor.", "soon"),
    ("001", "numbness or weakness in your arms or legs", "soon"),
    ("001", "If you experience other symptoms such as fever, nausea, or vomiting, it is important to seek medical "
            "attention immediately.", "now"),
    ("004", "new bowel or bladder control problems", "now"),
    ("004", "the sudden onset of numbness, tingling, or weakness in one or both legs, especially if it radiates "
            "below the knee", "now"),
    ("004", "loss of sensation around the genitals or buttocks", "now"),
    ("004", "progressively worsens", "now"),
    ("004", "If spasms occurred after a significant injury or trauma, such as a fall or car accident", "now"),
    ("004", "Unexplained weight loss or a fever accompanying back pain", "now"),
    ("004", "Pain that is severe", "soon"),
    ("004", "doesn’t improve after a few days to a week of home treatment", "soon"),
    ("002", "The sudden loss of bowel or bladder control is a serious red flag.", "now"),
    ("002", "New or progressive numbness, tingling, or weakness in the legs, groin, or saddle area", "now"),
    ("002", "If the back spasm occurred following a major trauma, such as a fall or car accident", "now"),
    ("002", "if the pain is accompanied by a high fever and chills", "now"),
    ("002", "If the pain fails to improve or significantly worsens after 72 hours of consistent home treatment",
     "soon"),
    ("003", "if the spasms are interfering with your daily activities or causing difficulty walking", "soon"),
]
URGENCY = {"now": 0, "soon": 1}


@pytest.mark.parametrize("article, phrase, level", ARTICLE_RED_FLAGS, ids=[p[:40] for _a, p, _l in ARTICLE_RED_FLAGS])
def test_every_red_flag_of_the_articles_is_on_the_card_at_least_as_urgent(article, phrase, level):
    """Leave out a red flag, or file an emergency under "call your doctor", and this fails."""
    flags = content.red_flags()
    citing = [flag for flag in flags.flags if any(squash(phrase) in squash(q) for q in flag.quotes)
              and any(source.startswith(article) for source in flag.sources)]
    assert citing, f"no red flag quotes {article}'s {phrase!r}"
    best = min(URGENCY[flag.level] for flag in citing)
    assert best <= URGENCY[level], f"{phrase!r} must be at level {level!r}, is at {citing[0].level!r}"


@NEED_ARTICLES
def test_001s_lists_are_all_in_the_table_above():
    """If the article's bullet lists under "When Should You Ask for Help?" hold an item
    the table above does not, the table (and so the card) is incomplete."""
    [article] = REFERENCE.glob("001_*.txt")
    text = article.read_text(encoding="utf-8")
    section = text[text.index("When Should You Ask for Help?"):text.index("Frequently Asked Questions")]
    bullets = [line.strip().lstrip("•").strip() for line in section.splitlines() if line.strip().startswith("•")]
    assert len(bullets) == 10
    listed = {phrase for source, phrase, _level in ARTICLE_RED_FLAGS if source == "001"}
    assert set(bullets) <= listed, set(bullets) - listed


def test_the_red_flags_come_in_two_levels_as_the_articles_have_them():
    flags = content.red_flags()
    assert [(level.id, level.heading) for level in flags.levels] == [
        ("now", "Get medical help now"), ("soon", "Call your doctor or a nurse line soon")]
    assert "seek emergency medical care" in flags.levels[0].intro
    assert "nurse advice line" in flags.levels[1].intro
    assert [flag.level for flag in flags.flags] == sorted((flag.level for flag in flags.flags), key=URGENCY.get)
    texts = " | ".join(flag.text for flag in flags.at("now")).lower()
    for words in ("bowel or bladder", "buttock", "saddle", "tingling", "below the knee", "paralysis",
                  "severe weakness", "car accident", "fever and chills", "weight loss", "getting worse",
                  "nausea or vomiting"):
        assert words in texts, words
    soon = " | ".join(flag.text for flag in flags.at("soon")).lower()
    for words in ("severe back pain", "arms", "worse with rest", "over-the-counter", "walking", "dressing",
                  "bathing", "bathroom", "72 hours", "a week"):
        assert words in soon, words


def test_the_card_makes_no_reassurance_the_articles_do_not():
    """002's calm line is the only one there is; no article says red flags are rare."""
    flags = content.red_flags()
    assert flags.intro.startswith("Most back spasms resolve with home care within a few days.")
    everything = " ".join([flags.heading, flags.intro] + [f.text for f in flags.flags]
                          + [l.intro for l in flags.levels]).lower()
    for claim in ("rare", "unlikely", "don't worry", "do not worry", "usually nothing"):
        assert claim not in everything


def test_a_flag_with_an_unknown_level_is_a_problem(tmp_path):
    text = (content.content_dir() / "red_flags.toml").read_text(encoding="utf-8")
    problems = load_text(tmp_path, text.replace('level = "soon"', 'level = "later"', 1), content.load_red_flags)
    assert len(problems) == 1 and '.level: "later" is not a [[level]] id; this file has now, soon' in problems[0]


def test_the_lifting_card_covers_the_brief():
    card = content.lifting()
    tips = " | ".join(tip.text for tip in card.tips).lower()
    for words in ("bend at the knees", "close to your body", "turn your whole body", "warm up"):
        assert words in tips, words
    assert {"000_4e08601afce4377e.txt", "001_e9d597a9e7b87c52.txt"} <= {s for tip in card.tips for s in tip.sources}


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
    for loader in (content.load_checklist, content.load_spasm_guide, content.load_red_flags, content.load_tip_card):
        try:
            loader(path, content.sources())
        except ContentError as error:
            assert error.problems and all(str(problem).startswith(str(path)) for problem in error.problems)
