"""Settings and organisation policy: the schema, its layers, the user's file.

:mod:`~agent.settings.config` is the schema (every key typed, with its range),
:mod:`~agent.settings.layers` stacks defaults < recommended < user < enforced
(files and the Windows registry), :mod:`~agent.settings.user_settings` edits the
user's own file and :mod:`~agent.settings.live_settings` notices changes while
the agent runs. No windows, tray, sensing or live agent here: those read
settings, never the other way round.
"""
