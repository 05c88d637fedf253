"""What the user can ask of the agent from the tray menu, the panel or its own window.

One list, so the tray, the panel and the agent cannot drift apart.
"""

MENU_ACTIONS = (
    "break_now",
    "postpone",
    "pause_30",
    "pause_60",
    "pause_tomorrow",
    "resume",
    "standing",
    "sitting",
    "posture",
    "lumbar",
    "exercises",
    "spasm_guide",
    "walkthrough",
    "lifting",
    "red_flags",
    "today",
    "this_week",
    "settings",
    "quit",
)
# A tray without a menu (pystray's X11 backend) offers only a click, which opens the panel.
TRAY_ACTIONS = ("open_panel", *MENU_ACTIONS)
