"""The spasm guide's cold-pack timer is the agent's: it outlives the guide's window and the agent.

Fake time (tests/test_app.py's Agent): the guide's window is a recording fake that
hands back the callbacks it was given, as the window process's messages would.
The real window's buttons are tested in tests/test_ui_spasm_guide.py, the
messages in tests/test_window_process.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from agent.content.checklist_state import StateStore
from agent.content.cold_heat import COLD, HEAT, Pack
from agent.live.guides import Guides
from agent.live.pack_watch import PackWatch
from agent.live.session_state import SessionStore, parse
from agent.ui import strings
from tests.test_app import MIN, Agent

T0 = datetime(2026, 11, 23, 10, 0)


# --- the pack itself (pure) -----------------------------------------------------------

def test_a_cold_pack_comes_off_after_its_minutes_and_heat_never_does():
    cold = Pack(COLD, T0, 15)
    assert cold.off_at == T0 + timedelta(minutes=15)
    assert cold.left_s(T0 + timedelta(minutes=10)) == 300 and not cold.due(T0 + timedelta(minutes=10))
    assert cold.due(T0 + timedelta(minutes=15)) and cold.left_s(T0 + timedelta(hours=1)) == 0
    heat = Pack(HEAT, T0)
    assert heat.off_at is None and heat.left_s(T0 + timedelta(hours=5)) is None
    assert not heat.due(T0 + timedelta(hours=5)) and heat.on_s(T0 + timedelta(minutes=7)) == 420


@pytest.mark.parametrize("record", [
    {"kind": "ice", "started": "2026-11-23T10:00:00", "minutes": 15},
    {"kind": "cold", "started": "2026-11-23T10:00:00"},  # a cold pack without its time
    {"kind": "heat", "started": "2026-11-23T10:00:00", "minutes": 15},  # heat has none
    {"kind": "cold", "started": "yesterday", "minutes": 15},
    {"kind": "cold", "started": "2026-11-23T10:00:00+01:00", "minutes": 15},
    {"kind": "cold", "started": "2026-11-23T10:00:00", "minutes": True},
    {"kind": "cold", "started": "2026-11-23T10:00:00", "minutes": 15, "colour": "blue"},
    [1, 2],
])
def test_a_saved_pack_that_does_not_read_is_refused(record):
    with pytest.raises(ValueError):
        Pack.from_json(record)
    state, problems = parse(f'{{"pack": {__import__("json").dumps(record)}}}'.encode(), "session.json")
    assert "pack" not in state and problems[0].key == "pack"


def test_a_pack_round_trips_through_the_session_file():
    for pack in (Pack(COLD, T0, 15), Pack(HEAT, T0)):
        assert Pack.from_json(pack.to_json()) == pack


# --- the agent's watch ------------------------------------------------------------------

class Wall:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def watch():
    wall, said = Wall(), []
    packs = PackWatch(wall, lambda text, bell=False: said.append((text, bell)), minutes=15)
    return packs, wall, said


def test_the_watch_rings_once_at_the_end_and_says_when_in_the_meantime():
    packs, wall, said = watch()
    packs.handle("start", COLD)
    assert packs.seconds_until_due() == 15 * 60
    assert packs.status_line() == "Cold pack off at 10:15"
    assert packs.for_window() == {"pack_kind": "cold", "pack_s": 900.0}
    wall.now += timedelta(minutes=14)
    packs.run_due()
    assert said == []
    wall.now += timedelta(minutes=1)
    packs.run_due()
    packs.run_due()
    assert said == [(strings.PACK_DUE_NOTICE, True)]
    assert packs.pack is None and packs.status_line() is None and packs.seconds_until_due() is None


def test_closing_the_guide_says_the_timer_keeps_running_and_stop_ends_it():
    packs, wall, said = watch()
    packs.window_closed()
    assert said == []  # nothing running, nothing to say
    packs.handle("start", COLD)
    packs.window_closed()
    assert said == [("The cold pack timer keeps running: Upright tells you at 10:15 to take it off.", False)]
    packs.handle("stop", HEAT)  # not the one running: ignored
    assert packs.pack is not None
    packs.handle("stop", COLD)
    assert packs.pack is None


def test_heat_only_counts_and_never_rings():
    packs, wall, said = watch()
    packs.handle("start", HEAT)
    wall.now += timedelta(hours=3)
    packs.run_due()
    assert said == [] and packs.seconds_until_due() is None
    assert packs.status_line() == "Heat on since 10:00"
    assert packs.for_window() == {"pack_kind": "heat", "pack_s": 3 * 3600.0}


# --- in the agent: the tray line, the notice with the bell, across a restart --------------

class GuideWindows:
    """`agent.ui` as Guides uses it, recording the spasm guide's callbacks."""

    def __init__(self):
        self.guides = []

    def SpasmGuideWindow(self, _root, _geometry, **kwargs):  # noqa: N802
        window = SimpleNamespace(is_open=True, focus=lambda: None, **kwargs)
        self.guides.append(window)
        return window


def agent_with_guides(tmp_path):
    ui = GuideWindows()

    def guides(agent):
        def notice(text, bell=False):
            return agent._window("notice")(None, text, None, 12, bell=bell)

        return Guides(agent.root, lambda _root: None, notice, ui=ui, packs=PackWatch(agent.clock.wall, notice),
                      store=StateStore(directory=tmp_path / "data"))

    return Agent(session=SessionStore(tmp_path / "run"), guides=guides, checklists__first_run_walkthrough=False), ui


def notices(agent):
    return [(w.kwargs["args"][1], w.kwargs.get("bell", False)) for w in agent.shown if w.kind == "notice"]


def test_the_agent_takes_the_pack_off_at_15_minutes_though_the_guide_was_closed(tmp_path):
    agent, ui = agent_with_guides(tmp_path)
    agent.work(60)
    agent.app.act("spasm_guide")
    [guide] = ui.guides
    assert guide.pack == {"pack_kind": None, "pack_s": None}
    guide.on_pack("start", COLD)
    off_at = f"{agent.clock.wall() + timedelta(minutes=15):%H:%M}"
    assert agent.app.tray.last[2].endswith(f"\nCold pack off at {off_at}")  # the tray's line
    guide.is_open = False
    guide.on_close()
    assert notices(agent)[-1] == (strings.PACK_KEEPS_RUNNING.format(time=off_at), False)
    agent.away(14 * MIN)  # lying down with the pack on: no input, and the agent must still wake
    assert all(text != strings.PACK_DUE_NOTICE for text, _ in notices(agent))
    agent.away(MIN + 1)
    assert notices(agent)[-1] == (strings.PACK_DUE_NOTICE, True)  # with the bell
    assert "Cold pack" not in agent.app.tray.last[2]


def test_a_restarted_agent_still_takes_the_pack_off_on_time(tmp_path):
    agent, ui = agent_with_guides(tmp_path)
    agent.work(60)
    agent.app.act("spasm_guide")
    ui.guides[0].on_pack("start", COLD)
    agent.work(5 * MIN)  # then killed: no quit, only what was saved as it went
    again, ui_again = agent_with_guides(tmp_path)
    again.clock.wall_at = agent.clock.wall()  # the same moment, in a new process
    again.app._restore_session()
    assert again.app.packs.pack is not None and again.app.packs.pack.kind == COLD
    again.app.act("spasm_guide")
    assert ui_again.guides[0].pack["pack_kind"] == "cold"
    assert ui_again.guides[0].pack["pack_s"] == pytest.approx(10 * MIN, abs=5)
    again.work(10 * MIN + 5)
    assert notices(again)[-1] == (strings.PACK_DUE_NOTICE, True)
