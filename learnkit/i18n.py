"""Message catalogs (GNU gettext). Every student-facing string goes through ``_`` or ``content``.

* ``_(msg)`` — framework messages (domain ``learnkit``, catalogs in ``learnkit/locale``).
* ``_n(singular, plural, n)`` — a framework message that counts something ("1 value" / "3 values"):
  gettext's ``ngettext``, so each language picks its own form (zh-TW has one form for every n).
* ``content(msg)`` — course content: prompts, hints, prose solutions and checker messages
  (domain ``checkers``, catalogs in ``checkers/locale``), translated when displayed.

The language comes from ``set_language`` (``binder.bind(globals(), lang="zh-TW")``), else
``LEARNKIT_LANG``, else English; a missing catalog or message falls back to English.
Catalogs are maintained with ``learnkit i18n update|compile|check`` (see docs/i18n.md).
"""
from __future__ import annotations

import contextlib
import gettext
import os
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

LOCALE_DIR = Path(__file__).parent / "locale"
CONTENT_LOCALE_DIR = Path(__file__).parent.parent / "checkers" / "locale"
LANGUAGES = ("en", "zh-TW")
_override: str | None = None


def normalize(lang: str | None) -> str:
    """'zh_TW', 'zh-tw', 'zh-Hant' -> 'zh-TW'; unknown or empty -> 'en'."""
    if not lang:
        return "en"
    key = lang.replace("_", "-").lower()
    if key in ("zh-tw", "zh-hant", "zh-hant-tw"):
        return "zh-TW"
    return "en" if key.startswith("en") else lang


def set_language(lang: str | None) -> None:
    global _override
    _override = normalize(lang) if lang else None


def language() -> str:
    return _override or normalize(os.environ.get("LEARNKIT_LANG"))


@contextlib.contextmanager
def using(lang: str | None):
    """Temporarily switch language (e.g. to render one student's feedback page)."""
    global _override
    old = _override
    set_language(lang)
    try:
        yield
    finally:
        _override = old


def gettext_code(lang: str) -> str:
    return normalize(lang).replace("-", "_")


@lru_cache(maxsize=16)
def _translation(domain: str, directory: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(domain, directory, languages=[gettext_code(lang)], fallback=True)


def _(message: str) -> str:
    lang = language()
    if lang == "en" or not message:
        return message
    return _translation("learnkit", str(LOCALE_DIR), lang).gettext(message)


def _n(singular: str, plural: str, n: int) -> str:
    """The form of a counting message for ``n`` (``ngettext``); format it yourself: ``.format(n=n)``."""
    lang = language()
    if lang == "en":
        return singular if n == 1 else plural
    return _translation("learnkit", str(LOCALE_DIR), lang).ngettext(singular, plural, n)


FULL_WIDTH_ENDS = tuple("。！？；：，）」』")


def gap(before: str) -> str:
    """The space between two sentences of one message: " ", or nothing after Chinese punctuation
    (``text + gap(text) + _("Another sentence.")``)."""
    return "" if not before or before.endswith(FULL_WIDTH_ENDS) else " "


_M = TypeVar("_M")


def content(message: _M) -> _M:
    """Translate course content (falls back to the framework catalog, then to the text); anything
    but a non-empty string (a :class:`~learnkit.core.problem.Code` solution) comes back as it is."""
    lang = language()
    if lang == "en" or not isinstance(message, str) or not message:
        return message
    out = _translation("checkers", str(CONTENT_LOCALE_DIR), lang).gettext(message)
    return cast(_M, out if out != message else _translation("learnkit", str(LOCALE_DIR), lang).gettext(message))


def reload() -> None:
    """Forget loaded catalogs (after ``learnkit i18n compile``)."""
    _translation.cache_clear()
