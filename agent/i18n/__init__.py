"""The catalog behind ``_()``: the user's language if Upright has it, else English.

Catalogs are ``assets/locale/<lang>/LC_MESSAGES/upright.po`` (or a
``upright.mo`` beside it, if a packager compiled one); a .po is compiled
in memory as it loads (:mod:`agent.i18n.po`). The language comes from the
environment the way gettext reads it (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``), trying ``de_AT`` then ``de``; any text a
catalog lacks, or a language Upright lacks, shows in English, the text
in the source. A broken catalog is logged and skipped: a translation
must never stop the agent.

Stdlib only, and no Tk: :mod:`agent.ui.strings` imports this.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import re
from pathlib import Path
from typing import Mapping, Optional, Sequence

from agent.i18n import po

log = logging.getLogger("agent.i18n")

DOMAIN = "upright"
_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_active: Optional[_gettext.NullTranslations] = None


def locale_dir() -> Path:
    from agent.files.resources import asset

    return asset("locale")


def languages(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The languages to try, most wanted first: "de_AT.UTF-8" gives ["de_AT", "de"]."""
    for variable in _ENV:
        value = environ.get(variable)
        if value:
            break
    else:
        return []
    wanted: list[str] = []
    for name in value.split(":"):
        name = re.split(r"[.@]", name)[0]
        if name in ("C", "POSIX", ""):
            break
        for candidate in (name, name.split("_")[0]):
            if candidate not in wanted:
                wanted.append(candidate)
    return wanted


def load(wanted: Optional[Sequence[str]] = None, directory: Optional[Path] = None) -> _gettext.NullTranslations:
    """Translations for the ``wanted`` languages (default: from the environment),
    each falling back to the next, and finally to English."""
    wanted = languages() if wanted is None else list(wanted)
    try:
        directory = directory or locale_dir()
    except FileNotFoundError:
        return _gettext.NullTranslations()
    chain: Optional[_gettext.NullTranslations] = None
    for language in wanted:
        catalog = _catalog(directory / language / "LC_MESSAGES")
        if catalog is None:
            continue
        if chain is None:
            chain = catalog
        else:
            chain.add_fallback(catalog)
    english = _gettext.NullTranslations()
    if chain is None:
        return english
    chain.add_fallback(english)
    return chain


def _catalog(folder: Path) -> Optional[_gettext.GNUTranslations]:
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    try:
        if compiled.is_file():
            data = compiled.read_bytes()
        elif source.is_file():
            text = source.read_text(encoding="utf-8")
            data = po.compile_mo(po.translations(po.parse(text, str(source))))
        else:
            return None
        return _gettext.GNUTranslations(io.BytesIO(data))
    except (OSError, ValueError, po.POError) as error:  # ValueError: bad UTF-8 or a bad .mo
        log.warning("ignoring the translation in %s: %s", folder, error)
        return None


def install(translations: Optional[_gettext.NullTranslations]) -> None:
    """Use ``translations`` from now on (None: load again from the environment).

    Texts already looked up keep their language: :mod:`agent.ui.strings`
    looks its texts up when imported, so choose the language first.
    """
    global _active
    _active = translations


def active() -> _gettext.NullTranslations:
    global _active
    if _active is None:
        _active = load()
    return _active


def gettext(message: str) -> str:
    """``message`` in the user's language, or unchanged (English)."""
    return active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number ``n`` ("1 break taken", "2 breaks taken"), in the
    user's language: its catalog's ``Plural-Forms`` rule picks the form (English: one, or other)."""
    return active().ngettext(singular, plural, n)
