"""Upright's health content: checklists, the spasm guide, red flags and the exercises.

The words live in ``assets/`` and are read here (:mod:`~agent.content.texts`,
:mod:`~agent.content.exercises`), checked against their source articles, and
kept with the user's marks (:mod:`~agent.content.checklist_state`,
:mod:`~agent.content.exercise_state`). :mod:`~agent.content.pose` describes
each exercise's movement as data; drawing it is :mod:`agent.ui`'s job. Pure:
no Tk, no tray, no sensing, no live agent.
"""
