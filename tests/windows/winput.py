"""Windows-side input helper for the Wine lane: real `SendInput` calls, driven over stdin.

Runs under the *Windows* python (`wine python.exe winput.py`). X input from
xdotool never reaches Wine's `GetLastInputInfo`; input that a Windows process
injects with `SendInput` does, exactly as a person's would on Windows. One
command per line on stdin, "ok" on stdout after each:

    wiggle SECONDS   move the pointer a pixel back and forth every 0.4 s
    click X Y        move to screen pixel (X, Y) and press/release the left button
    key [VK]         press and release a key once (default Shift; 27 is Escape)
    window TITLE     the buttons of the visible top-level window whose title holds TITLE,
                     as one JSON line before "ok": [{"text", "x", "y"}] (x, y: the centre
                     on screen), or null when no such window is shown

Tk draws a tk.Button on Windows as a native "Button" child window, so this is
the list Windows itself keeps: what a screen reader or a person would find.
"""

import ctypes
import json
import sys
import time
from ctypes import wintypes

INPUT_MOUSE, INPUT_KEYBOARD = 0, 1
MOUSEEVENTF_MOVE, MOUSEEVENTF_LEFTDOWN, MOUSEEVENTF_LEFTUP = 0x0001, 0x0002, 0x0004
MOUSEEVENTF_ABSOLUTE = 0x8000
KEYEVENTF_KEYUP = 0x0002
VK_SHIFT = 0x10


class MOUSEINPUT(ctypes.Structure):
    _fields_ = [("dx", wintypes.LONG), ("dy", wintypes.LONG), ("mouseData", wintypes.DWORD),
                ("dwFlags", wintypes.DWORD), ("time", wintypes.DWORD), ("dwExtraInfo", ctypes.c_size_t)]


class KEYBDINPUT(ctypes.Structure):
    _fields_ = [("wVk", wintypes.WORD), ("wScan", wintypes.WORD), ("dwFlags", wintypes.DWORD),
                ("time", wintypes.DWORD), ("dwExtraInfo", ctypes.c_size_t)]


class _UNION(ctypes.Union):
    _fields_ = [("mi", MOUSEINPUT), ("ki", KEYBDINPUT), ("pad", ctypes.c_byte * 32)]


class INPUT(ctypes.Structure):
    _fields_ = [("type", wintypes.DWORD), ("u", _UNION)]


user32 = ctypes.WinDLL("user32", use_last_error=True)
user32.SendInput.argtypes = [wintypes.UINT, ctypes.POINTER(INPUT), ctypes.c_int]
user32.SendInput.restype = wintypes.UINT
WNDENUMPROC = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
user32.EnumWindows.argtypes = [WNDENUMPROC, wintypes.LPARAM]
user32.EnumChildWindows.argtypes = [wintypes.HWND, WNDENUMPROC, wintypes.LPARAM]
for _name in ("GetWindowTextW", "GetClassNameW"):
    getattr(user32, _name).argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
user32.IsWindowVisible.argtypes = [wintypes.HWND]
user32.GetWindowRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]


def send(*inputs):
    array = (INPUT * len(inputs))(*inputs)
    if user32.SendInput(len(inputs), array, ctypes.sizeof(INPUT)) != len(inputs):
        raise ctypes.WinError(ctypes.get_last_error())


def mouse(flags, dx=0, dy=0):
    return INPUT(INPUT_MOUSE, _UNION(mi=MOUSEINPUT(dx, dy, 0, flags, 0, 0)))


def key(flags, vk=VK_SHIFT):
    return INPUT(INPUT_KEYBOARD, _UNION(ki=KEYBDINPUT(vk, 0, flags, 0, 0)))


def wiggle(seconds):
    end, step = time.monotonic() + seconds, 1
    while time.monotonic() < end:
        send(mouse(MOUSEEVENTF_MOVE, step, 0))
        step = -step
        time.sleep(0.4)


def click(x, y):
    width, height = user32.GetSystemMetrics(0), user32.GetSystemMetrics(1)
    absolute = MOUSEEVENTF_MOVE | MOUSEEVENTF_ABSOLUTE
    send(mouse(absolute, x * 65535 // (width - 1), y * 65535 // (height - 1)))
    point, deadline = wintypes.POINT(), time.monotonic() + 3
    while time.monotonic() < deadline:  # a loaded machine: press only once the pointer is there
        user32.GetCursorPos(ctypes.byref(point))
        if abs(point.x - x) <= 1 and abs(point.y - y) <= 1:
            break
        time.sleep(0.05)
    time.sleep(0.5)  # the window under the pointer sees it arrive (hover) before the press
    send(mouse(MOUSEEVENTF_LEFTDOWN))
    time.sleep(0.15)
    send(mouse(MOUSEEVENTF_LEFTUP))


def _text(hwnd):
    buffer = ctypes.create_unicode_buffer(512)
    user32.GetWindowTextW(hwnd, buffer, 512)
    return buffer.value


def _class(hwnd):
    buffer = ctypes.create_unicode_buffer(256)
    user32.GetClassNameW(hwnd, buffer, 256)
    return buffer.value


def _windows(enumerate_with, *first):
    """The handles an EnumWindows-style call reports."""
    found = []
    callback = WNDENUMPROC(lambda hwnd, _: found.append(hwnd) or True)
    enumerate_with(*first, callback, 0)
    return found


def window_buttons(title):
    """The visible buttons of the first visible top-level window whose title holds `title`."""
    for top in _windows(user32.EnumWindows):
        if user32.IsWindowVisible(top) and title in _text(top):
            buttons = []
            for child in _windows(user32.EnumChildWindows, top):
                if _class(child).lower() == "button" and user32.IsWindowVisible(child):
                    box = wintypes.RECT()
                    user32.GetWindowRect(child, ctypes.byref(box))
                    buttons.append({"text": _text(child), "x": (box.left + box.right) // 2,
                                    "y": (box.top + box.bottom) // 2})
            return buttons
    return None


def main():
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "wiggle":
            wiggle(float(words[1]))
        elif words[0] == "click":
            click(int(words[1]), int(words[2]))
        elif words[0] == "key":
            vk = int(words[1]) if len(words) > 1 else VK_SHIFT
            send(key(0, vk), key(KEYEVENTF_KEYUP, vk))
        elif words[0] == "window":
            print(json.dumps(window_buttons(line.split(None, 1)[1].strip())), flush=True)
        print("ok", flush=True)


if __name__ == "__main__":
    main()
