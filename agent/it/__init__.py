"""What IT departments roll out: Group Policy templates, the policy example, autostart.

:mod:`~agent.it.admx` and :mod:`~agent.it.policy_example` are generated from
the settings schema, so a new setting reaches the ADMX and the example policy
without anyone editing them by hand; :mod:`~agent.it.autostart` writes the
login entry (XDG autostart, the Windows Run key, a LaunchAgent) per user or
for all users.
"""
