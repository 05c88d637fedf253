"""The user's history: what each day of sitting looked like, kept on this machine.

store.py      the SQLite file (schema, migrations, a bad file set aside, retention, forget)
journal.py    the small JSON file the agent writes until SQLite is worth loading
days.py       what one day holds (:class:`DayRow`) and how sessions of one day add up
reader.py     the history file and the pending file together, as the reports see them
summary.py    a week or a month of days -> bars, lines and one sentence (pure)
aggregate.py  the anonymous one-file-a-day roll-up for IT (off unless the policy turns it on)

Only *that* and *when*: durations, counts and times of breaks. Never a key,
a window title or an application name; nothing here ever reads them.
The folder is given by the caller (the user's data folder), so this package
needs nothing but the standard library and :mod:`agent.files`.
"""
