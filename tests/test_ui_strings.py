"""Translation-ready words: every text the windows show is in the template, and ``_()`` is gettext.

No display needed: the modules are read with ``ast``, the catalogs compiled in memory.
"""

from __future__ import annotations

import ast
import gettext
import importlib
import io
import logging
import re
from pathlib import Path

import pytest

from agent import i18n
from agent.content import texts as content
from agent.i18n import po, pot
from agent.ui import strings

UI = Path(pot.__file__).resolve().parents[1] / "ui"
#: Every folder whose modules put words on screen: the windows, the live agent that hands them texts,
#: the tray and the command line.
SHOWS_WORDS = (UI, UI.parent / "live", UI.parent / "tray", UI.parent / "cli")


def template_ids() -> set[str]:
    return {entry.msgid for entry in po.parse(pot.template_path().read_text(encoding="utf-8"))} - {""}


def ui_modules(folders=(UI,)):
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def has_words(node) -> bool:
    """A literal text (or an f-string with literal words) that a person would read."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(has_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return has_words(node.left) or has_words(node.right)
    if isinstance(node, ast.IfExp):
        return has_words(node.body) or has_words(node.orelse)
    return False


def test_the_template_and_english_catalog_are_up_to_date():
    stale = pot.outdated()
    assert stale == [], f"run `python -m agent.i18n.pot` to update {', '.join(map(str, stale))}"


def test_every_string_the_windows_use_is_in_the_template():
    ids = template_ids()
    missing = []
    for path, tree in ui_modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "strings"
                    and isinstance(getattr(strings, node.attr, None), str)):
                value = getattr(strings, node.attr)
                if value not in ids:
                    missing.append(f"{path.name}:{node.lineno}: strings.{node.attr} = {value!r}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value not in ids):
                missing.append(f"{path.name}:{node.lineno}: _({node.args[0].value!r})")
    assert missing == []


def test_every_constant_in_the_strings_module_is_in_the_template():
    ids = template_ids()
    constants = {name: value for name, value in vars(strings).items() if name.isupper() and isinstance(value, str)}
    assert len(constants) > 60
    assert {name: value for name, value in constants.items() if value not in ids} == {}


def test_every_content_text_is_in_the_template():
    ids = template_ids()
    texts = []
    for name in content.CHECKLISTS:
        for item in content.checklist(name).items:
            texts += [item.text, item.why]
    guide = content.spasm_guide()
    texts += [guide.intro.text] + [s.heading for s in guide.sections] + [s.text for s in guide.sections]
    flags = content.red_flags()
    texts += [flags.heading, flags.intro] + [flag.text for flag in flags.flags]
    texts += [level.heading for level in flags.levels] + [level.intro for level in flags.levels]
    lifting = content.lifting()
    texts += [lifting.heading, lifting.intro] + [tip.text for tip in lifting.tips]
    assert [text for text in texts if text not in ids] == []


def test_no_window_shows_a_word_that_bypasses_the_strings():
    """A literal text= or title(), or a literal handed to a notice, would never be translated.

    Read in every module that shows words: the windows (agent/ui), the live agent (agent/live),
    which picks the texts of its notices, the tray (agent/tray) and the command line (agent/cli).
    """
    found = []
    for path, tree in ui_modules(SHOWS_WORDS):
        for node in ast.walk(tree):
            literal = None
            if isinstance(node, ast.keyword) and node.arg in ("text", "title") and has_words(node.value):
                literal = node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "title"
                  and node.args and has_words(node.args[0])):
                literal = node.args[0]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "label"
                  and len(node.args) > 1 and has_words(node.args[1])):
                literal = node.args[1]
            elif (isinstance(node, ast.Call) and "notice" in getattr(node.func, "attr", getattr(node.func, "id", ""))
                  .lower() and any(has_words(arg) for arg in node.args)):
                literal = next(arg for arg in node.args if has_words(arg))
            if literal is not None:
                found.append(f"{path.parent.name}/{path.name}:{node.lineno}: {ast.unparse(literal)}")
    assert found == []


def test_the_agents_own_notices_are_translated(tmp_path, restore_language):
    """Every text agent/live/app.py gives a notice comes from agent.ui.strings, looked up when shown."""
    from agent.core.totals import Totals
    from agent.live import app

    english = [app.break_soon_text(), app.today_text(Totals(breaks_taken=1))]
    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path)))
    importlib.reload(strings)
    texts = {"break soon": app.break_soon_text(), "today": app.today_text(Totals(breaks_taken=2, natural_breaks=1)),
             "today off": strings.TODAY_OFF, "later": strings.COMING_LATER}
    texts.update({kind: getattr(strings, name) for kind, name in app._NOTICES.items()})
    agent = app.App.__new__(app.App)  # only the refusal wording is needed: no window, no engine
    agent.live = None
    agent.settings = {"features": {"strict_breaks": True}, "breaks": {"allow_skip": True}}
    texts.update({f"{answer} refused": agent._refused(answer) for answer in ("postpone", "skip")})
    assert {kind: text for kind, text in texts.items() if text != text.upper()} == {}, "English left in a notice"
    assert english == ["Break in 1 min — finish your sentence",
                       "Sitting: 0 min\nLongest time seated in one go: 0 min\n1 break taken\n"
                       "0 natural breaks (time away from the computer)"]


class MenuRecorder:
    """Stands in for pystray's Menu and MenuItem: keeps the texts the tray's own builder gives them."""

    class MenuItem:
        def __init__(self, text, action, **_options) -> None:
            self.text, self.action = text, action

    class Menu:
        SEPARATOR = object()

        def __init__(self, *items) -> None:
            self.items = items


def menu_texts(menu) -> list[str]:
    texts = []
    for item in menu.items:
        if item is MenuRecorder.Menu.SEPARATOR:
            continue
        texts.append(item.text)
        if isinstance(item.action, MenuRecorder.Menu):
            texts += menu_texts(item.action)
    return texts


def tray_and_status_texts() -> dict[str, str]:
    """Every text the tray (menu, tooltip) and `upright status` put before a person, in the language in force."""
    import datetime

    from agent.cli.command import _status_words
    from agent.tray._pystray import PystrayTray
    from agent.tray.icon_image import tooltip_text

    tray = PystrayTray.__new__(PystrayTray)  # only the menu builder: no icon, no display
    tray._pystray, tray._state = MenuRecorder, (0.0, "working")
    texts = {f"menu {n}": text for n, text in enumerate(menu_texts(tray._menu()))}
    now = datetime.datetime(2026, 12, 4, 10, 0)
    for name, args, options in (
            ("away", (None, None, "away"), {}), ("paused", (None, None, "paused"), {}),
            ("paused until", (None, None, "paused"), {"paused_until": now.replace(hour=14), "now": now}),
            ("paused until tomorrow", (None, None, "paused"), {"paused_until": now + datetime.timedelta(days=1),
                                                               "now": now}),
            ("standing", (None, None, "standing"), {}), ("standing 10", (60, None, "standing"), {"standing_s": 600}),
            ("due", (None, None, "break_due"), {}), ("due sitting", (1920, 0, "break_due"), {}),
            ("sitting", (1080, None, "working"), {}), ("sitting due now", (1080, 0, "working"), {}),
            ("sitting and next", (1080, 720, "working"), {}), ("hours", (3900, 7200, "working"), {})):
        texts[f"tooltip {name}"] = tooltip_text(*args, **options)
    for state in ("paused", "on_break", "away", "break_due", "working"):
        texts[f"status {state}"] = _status_words({"state": state, "sitting_s": 600.0, "next_break_in_s": 1200.0,
                                                  "standing": False, "paused_until": "14:30"})
    texts["status standing"] = _status_words({"state": "working", "sitting_s": 0.0, "standing": True})
    return texts


def test_the_tray_and_the_status_line_speak_the_users_language(tmp_path, restore_language):
    """The tray's menu and tooltip and `upright status` go through gettext: in a test language (English in
    capitals) not one word of English is left; a text that bypasses it (no _() or N_()) stays lowercase."""
    english = tray_and_status_texts()
    assert english["menu 0"] == "Open Upright" and english["tooltip sitting and next"] == (
        "Sitting 18 min \u00b7 next break in 12 min")
    assert english["tooltip hours"] == "Sitting 1 h 05 min \u00b7 next break in 2 h"
    assert english["status working"] == "Sitting 10 min \u00b7 next break in 20 min"
    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path)))
    shouted = tray_and_status_texts()
    assert len(shouted) == 40  # 21 menu entries, 12 tooltips, 7 status lines
    assert {name: text for name, text in shouted.items() if text != text.upper()} == {}, "English left"
    assert shouted["tooltip paused until tomorrow"] == "PAUSED UNTIL TOMORROW 10:00"


def test_the_status_line_says_a_pause_in_clock_time():
    """`upright pause` and `upright status` print "Paused until 14:30", like the tray; another day gets its date."""
    import datetime

    from agent.cli.command import _clock_time

    today = datetime.date(2026, 12, 4)
    assert _clock_time("2026-12-04T14:30:00", today) == "14:30"
    assert _clock_time("2026-12-05T08:00:00", today) == "2026-12-05 08:00"
    assert _clock_time("soon", today) == "soon"  # an agent that says something else: shown as it is


def test_the_english_catalog_is_complete():
    english = po.parse(pot.english_path().read_text(encoding="utf-8"))
    assert {entry.msgid for entry in english} - {""} == template_ids()
    assert all(entry.msgstr == entry.msgid for entry in english if entry.msgid and not entry.msgid_plural)
    plural = [entry for entry in english if entry.msgid_plural]
    assert plural and all(entry.msgstr_plural == [entry.msgid, entry.msgid_plural] for entry in plural)
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in english[0].msgstr
    assert "Language: en" in english[0].msgstr


def test_templates_with_numbers_are_marked_for_translators():
    entries = {entry.msgid: entry for entry in po.parse(pot.template_path().read_text(encoding="utf-8"))}
    assert "python-brace-format" in entries["Take the pack off in {clock}"].flags
    assert "python-brace-format" not in entries["Start a cold pack"].flags
    lines = (content.content_dir() / "posture.toml").read_text(encoding="utf-8").splitlines()
    line = lines.index('text = "Feet flat on the floor."') + 1
    assert entries["Feet flat on the floor."].locations == [f"assets/content/posture.toml:{line}"]


# --- gettext behind _() -----------------------------------------------------------


def shouting_catalog(tmp_path: Path, language: str = "xx", only: set | None = None) -> Path:
    """A test language whose translations are the English in capitals."""
    entries = po.parse(pot.template_path().read_text(encoding="utf-8"))
    for entry in entries[1:]:
        if only is None or entry.msgid in only:
            entry.msgstr = "" if entry.msgid_plural else shout(entry.msgid)
            entry.msgstr_plural = [shout(entry.msgid), shout(entry.msgid_plural)] if entry.msgid_plural else []
    entries[0].msgstr = "Content-Type: text/plain; charset=UTF-8\n"
    folder = tmp_path / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "upright.po").write_text(po.render(entries), encoding="utf-8")
    return tmp_path


def shout(text: str) -> str:
    return re.sub(r"\{[A-Z_]+\}", lambda m: m.group(0).lower(), text.upper())


@pytest.fixture
def restore_language():
    yield
    i18n.install(None)
    importlib.reload(strings)


def test_underscore_is_a_gettext_lookup(tmp_path, restore_language):
    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path)))
    assert strings._("Start") == "START"
    assert strings._("Take the pack off in {clock}").format(clock="9:59") == "TAKE THE PACK OFF IN 9:59"
    assert strings._("not in any catalog") == "not in any catalog", "English is the fallback"
    importlib.reload(strings)
    assert strings.START == "START" and strings.PACK_START == "START A COLD PACK"


def test_untranslated_messages_fall_back_to_english(tmp_path, restore_language):
    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path, only={"Start"})))
    assert strings._("Start") == "START" and strings._("Done") == "Done"


def test_languages_fall_back_in_order(tmp_path, restore_language):
    folder = shouting_catalog(tmp_path, "xx", only={"Start"})
    translations = i18n.load(["yy_ZZ", "yy", "xx", "en"], folder)
    assert translations.gettext("Start") == "START" and translations.gettext("Done") == "Done"


def test_a_language_upright_lacks_is_english(tmp_path):
    assert i18n.load(["tlh"], tmp_path).gettext("Start") == "Start"
    shipped = i18n.load(["en_GB", "en"])
    assert isinstance(shipped, gettext.GNUTranslations), "the English catalog loads"
    assert shipped.gettext("Upright — posture checklist") == "Upright — posture checklist"


def test_a_broken_catalog_is_logged_and_skipped(tmp_path, caplog):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "upright.po").write_text('msgid "Start"\nmsgstr "START\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert i18n.load(["xx"], tmp_path).gettext("Start") == "Start"
    assert "upright.po:2" in caplog.text


def test_a_compiled_catalog_beside_the_po_is_preferred(tmp_path):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "upright.po").write_text('msgid "Start"\nmsgstr "from po"\n', encoding="utf-8")
    (folder / "upright.mo").write_bytes(po.compile_mo({"Start": "from mo"}))
    assert i18n.load(["xx"], tmp_path).gettext("Start") == "from mo"


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "de_AT.UTF-8"}, ["de_AT", "de"]),
    ({"LANGUAGE": "fr_CA:de", "LANG": "en_US.UTF-8"}, ["fr_CA", "fr", "de"]),
    ({"LC_ALL": "pt_BR@euro", "LANG": "de_DE"}, ["pt_BR", "pt"]),
    ({"LC_MESSAGES": "C.UTF-8"}, []),
    ({"LANG": "POSIX"}, []),
    ({}, []),
])
def test_languages_from_the_environment(environ, expected):
    assert i18n.languages(environ) == expected


# --- the .po reader and .mo compiler ------------------------------------------------


def test_mo_files_read_back_with_gettext():
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n", "Start": "Anfang", "Upright — notice": "Upright — Hinweis",
               "line\nbreak \"quoted\"": "Zeile\nUmbruch"}
    translations = gettext.GNUTranslations(io.BytesIO(po.compile_mo(catalog)))
    for msgid, msgstr in catalog.items():
        if msgid:
            assert translations.gettext(msgid) == msgstr


def test_po_round_trip_with_escapes_and_long_lines():
    entries = [po.Entry("", "Content-Type: text/plain; charset=UTF-8\n"),
               po.Entry('Say "hi"\\now\n\tplease', "x", ["a.py:1"], ["python-brace-format"]),
               po.Entry("word " * 40, "mot " * 40)]
    again = po.parse(po.render(entries))
    assert [(e.msgid, e.msgstr, e.locations, e.flags) for e in again] == \
        [(e.msgid, e.msgstr, e.locations, e.flags) for e in entries]


THREE_FORMS = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);\\n"

#, python-brace-format
msgid "{n} break taken"
msgid_plural "{n} breaks taken"
msgstr[0] "{n} przerwa"
msgstr[1] "{n} przerwy"
msgstr[2] "{n} "
"przerw"
'''


@pytest.mark.parametrize("n, form", [(1, "1 przerwa"), (2, "2 przerwy"), (4, "4 przerwy"), (5, "5 przerw"),
                                     (12, "12 przerw"), (22, "22 przerwy")])
def test_a_catalogs_plural_rule_picks_the_form(tmp_path, restore_language, n, form):
    """A language with three forms (Polish's rule): the catalog's Plural-Forms header chooses, not English's."""
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "upright.po").write_text(THREE_FORMS, encoding="utf-8")
    i18n.install(i18n.load(["pl"], tmp_path))
    assert strings.breaks_taken(n) == form


@pytest.mark.parametrize("n, text", [(0, "0 breaks taken"), (1, "1 break taken"), (2, "2 breaks taken")])
def test_english_counts_take_the_right_form(n, text):
    assert strings.breaks_taken(n) == text


def test_plural_entries_round_trip_and_an_incomplete_one_is_left_out():
    entries = po.parse(THREE_FORMS)
    assert entries[1].msgstr_plural == ["{n} przerwa", "{n} przerwy", "{n} przerw"]
    again = po.parse(po.render(entries))
    assert [(e.msgid, e.msgid_plural, e.msgstr_plural) for e in again] == \
        [(e.msgid, e.msgid_plural, e.msgstr_plural) for e in entries]
    entries[1].msgstr_plural[2] = ""
    assert "{n} break taken\0{n} breaks taken" not in po.translations(entries)


def test_fuzzy_and_empty_translations_are_left_out():
    text = '#, fuzzy\nmsgid "A"\nmsgstr "a"\n\nmsgid "B"\nmsgstr ""\n\nmsgid "C"\nmsgstr "c"\n'
    assert po.translations(po.parse(text)) == {"C": "c"}


@pytest.mark.parametrize("text, where", [
    ('msgid "A"\nmsgstr "a\\q"\n', ":2: unknown escape"),
    ('msgctxt "menu"\nmsgid "A"\nmsgstr "a"\n', ":1: msgctxt: not supported"),
    ('msgstr "a"\n', ":1: msgstr without a msgid"),
    ('msgid "A"\nmsgid_plural "As"\nmsgstr[1] "a"\n', ":3: msgstr\\[1\\] out of order"),
    ('msgid "A"\nnonsense\n', ":2: cannot read"),
])
def test_bad_po_files_name_the_line(text, where):
    with pytest.raises(po.POError, match=where):
        po.parse(text, "x.po")


def test_the_pot_tool_checks_and_writes(capsys):
    assert pot.main(["--check"]) == 0
    assert pot.main(["--bogus"]) == 2
