"""How Upright reads and writes its own files, for every layer that keeps one.

- :mod:`~agent.files.atomic`: whole-file writes that a crash cannot leave half done;
- :mod:`~agent.files.tomlfile`: TOML read with every problem as ``FILE:LINE: key: problem``;
- :mod:`~agent.files.resources`: where the shipped ``assets/`` and ``config/`` are.

Imports nothing else of Upright's: settings, content, the live agent and the
commands all stand on it.
"""
