"""Message catalog access. Every student-facing framework string goes through ``_``.

The language comes from ``LEARNKIT_LANG`` (or ``set_language``); English is the
fallback when a catalog or a message is missing.
"""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
_override: str | None = None


def set_language(lang: str | None) -> None:
    global _override
    _override = lang
    _translation.cache_clear()


def language() -> str:
    return _override or os.environ.get("LEARNKIT_LANG") or "en"


@lru_cache(maxsize=8)
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("learnkit", LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    return _translation(language()).gettext(message)
