"""The exercises' words are translatable: in the template, and looked up as a window shows them.

No display needed here; tests/test_ui_exercise_marks.py opens the windows in a test language.
"""

from __future__ import annotations

import pytest

from agent import i18n
from agent.content.exercises import load_library, packaged_folder
from agent.i18n import po, pot
from agent.ui.exercise import translated
from tests.test_ui_strings import shouting_catalog

LIBRARY = load_library()


def template() -> dict[str, po.Entry]:
    return {entry.msgid: entry for entry in po.parse(pot.template_path().read_text(encoding="utf-8"))}


def test_every_word_of_every_exercise_is_in_the_template():
    entries = template()
    missing = [(e.id, text) for e in LIBRARY for text in (e.name, *e.steps, e.why, e.caution, e.alt_text)
               if text not in entries]
    assert missing == []


def test_each_exercise_text_points_to_its_file_and_line():
    lines = (packaged_folder() / "sit_to_stand.toml").read_text(encoding="utf-8").splitlines()
    step = "Stand up slowly, using your legs rather than your back."
    step_line = lines.index('    "' + step + '",') + 1
    name_line = lines.index('name = "Sit to stand"') + 1
    assert f"assets/exercises/sit_to_stand.toml:{step_line}" in template()[step].locations
    assert template()["Sit to stand"].locations == [f"assets/exercises/sit_to_stand.toml:{name_line}"]


def test_ids_sources_and_quotes_are_not_for_translators():
    entries = template()
    exercise = LIBRARY[0]
    assert exercise.id not in entries and exercise.sources[0] not in entries
    assert not set(exercise.quotes) & set(entries), "the articles' own words stay as the articles wrote them"


@pytest.fixture
def shouting(tmp_path):
    i18n.install(i18n.load(["xx"], shouting_catalog(tmp_path)))
    yield
    i18n.install(None)


def test_an_exercise_is_shown_in_the_users_language(shouting):
    exercise = next(e for e in LIBRARY if e.adapted_from)
    shown = translated(exercise)
    assert shown.name == exercise.name.upper() and shown.steps == tuple(s.upper() for s in exercise.steps)
    assert (shown.why, shown.caution, shown.alt_text) == (exercise.why.upper(), exercise.caution.upper(),
                                                          exercise.alt_text.upper())
    assert shown.adapted_from_name == exercise.adapted_from_name.upper()
    assert (shown.id, shown.movement, shown.takes_s) == (exercise.id, exercise.movement, exercise.takes_s)


def test_without_a_translation_the_words_are_the_files(tmp_path):
    i18n.install(i18n.load(["tlh"], tmp_path))
    try:
        assert translated(LIBRARY[0]) == LIBRARY[0]
    finally:
        i18n.install(None)
