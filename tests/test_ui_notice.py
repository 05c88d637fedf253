"""The pre-break notice on a real X server. Screenshot: tests/artifacts/notice.png."""

from __future__ import annotations

from agent.ui import strings
from agent.ui.notice import MARGIN, Notice
from tests.ui_desktop import (
    click, clipped_widgets, pump, screen_rect, screenshot, type_text, typing_in_an_editor, upright_windows,
    wait_until, wrapper_id
)

TEXT = strings.BREAK_SOON.format(duration=strings.duration(60))


def show(root, seconds=30.0, geometry=(0, 0, 1280, 800), **options) -> Notice:
    notice = Notice(root, TEXT, geometry, seconds, **options)
    assert wait_until(root, lambda: notice.top.winfo_viewable()), "the notice never appeared"
    return notice


def test_text_reads_as_the_brief_says():
    assert TEXT == "Break in 1 min — finish your sentence"


def test_it_carries_the_not_medical_advice_line(root):
    notice = show(root)
    assert notice.disclaimer.cget("text") == "General information, not medical advice."
    assert notice.disclaimer.winfo_viewable()
    assert clipped_widgets(notice.top) == []
    notice.close()


def test_sits_in_the_bottom_right_corner_of_its_monitor(root):
    notice = show(root, geometry=(0, 0, 640, 800))  # the left monitor of two
    x, y, w, h = screen_rect(notice.top)
    assert x + w == 640 - MARGIN and y + h == 800 - MARGIN
    assert upright_windows() == [wrapper_id(notice.top)]
    assert notice.top.title().startswith("Upright")
    assert clipped_widgets(notice.top) == []
    notice.close()


def test_does_not_interrupt_typing(root):
    entry = typing_in_an_editor(root)
    type_text(root, "half a ")
    notice = show(root)
    type_text(root, "sentence")
    assert entry.get() == "half a sentence"
    assert root.focus_get() is entry
    screenshot("notice", screen_rect(notice.top), margin=48)
    notice.close()


def test_closes_itself_after_its_seconds(root):
    notice = show(root, seconds=0.3)
    assert wait_until(root, lambda: not notice.is_open, timeout=2)
    assert upright_windows() == []
    assert root.tk.splitlist(root.tk.call("after", "info")) == ()


def test_closes_on_a_click(root):
    notice = show(root)
    click(root, notice.label)
    assert wait_until(root, lambda: not notice.is_open)
    assert root.tk.splitlist(root.tk.call("after", "info")) == (), "its timer must go with it"


def test_large_text_still_fits(root):
    notice = show(root, font_scale=2.0)
    assert clipped_widgets(notice.top) == []
    screenshot("notice_200", screen_rect(notice.top), margin=48)
    notice.close()
    pump(root)
