"""Maintaining the message catalogs: ``learnkit i18n update|compile|check``.

Framework messages are the ``_("…")`` and ``_n("…", "…", n)`` calls under ``learnkit/`` (extracted
with Babel; a counting message is a ``(singular, plural)`` pair, written with ``msgid_plural``).
Course content is read from the live exercises under ``checkers/``: titles, prompts, hints,
prose solutions and the static messages of each problem (``starter_message``, ``success``,
``mistakes``…), plus any ``_("…")`` call in checker code. Runtime needs only gettext and the
committed ``.mo`` files; Babel is a development dependency.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from learnkit.i18n import CONTENT_LOCALE_DIR, LOCALE_DIR, gettext_code

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = {"learnkit": (ROOT / "learnkit", LOCALE_DIR), "checkers": (ROOT / "checkers", CONTENT_LOCALE_DIR)}
PROBLEM_TEXT_FIELDS = ("prompt", "starter_message", "success", "relevant_message", "missing_message")


def _code_messages(package_dir: Path) -> set[str | tuple[str, str]]:
    """The ``_("…")`` messages (str) and ``_n("…", "…", n)`` pairs (tuple) in the package's code."""
    from babel.messages.extract import extract_from_dir
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(package_dir), method_map=[("**.py", "python")], keywords={"_": None, "_n": (1, 2)}):
        if isinstance(message, str) and message:
            found.add(message)
        elif isinstance(message, tuple) and len(message) == 2 and all(isinstance(m, str) and m for m in message):
            found.add(message)
    return found


def msgid(message) -> str:
    """The catalog key of a message: itself, or the singular of a ``(singular, plural)`` pair."""
    return message[0] if isinstance(message, tuple) else message


def is_translated(entry) -> bool:
    """A catalog entry with a translation (every plural form of a counting message)."""
    if entry is None:
        return False
    if isinstance(entry.string, (tuple, list)):
        return bool(entry.string) and all(entry.string)
    return bool(entry.string)


def content_messages(lang: str | None = None) -> set[str]:
    """Content of every exercise (or, with ``lang``, of those declaring that translation)."""
    import checkers
    found = set()
    for info in pkgutil.walk_packages(checkers.__path__, "checkers."):
        module = importlib.import_module(info.name)
        exercise = getattr(module, "exercise", None)
        if exercise is None or not hasattr(exercise, "problems"):
            continue
        if lang is not None and lang not in getattr(exercise, "languages", ()):
            continue
        found.add(exercise.title)
        for p in exercise.problems:
            found.update(getattr(p, f, "") for f in PROBLEM_TEXT_FIELDS)
            found.update(h for h in getattr(p, "hints", ()) if isinstance(h, str))
            if isinstance(getattr(p, "solution", None), str):
                found.add(p.solution)
            for field in ("mistakes", "explanations", "messages"):
                found.update(_strings(getattr(p, field, None)))
    return {m for m in found if m}


def _strings(value, depth: int = 0) -> set[str]:
    """Sentences inside a (nested) list/tuple/dict of problem data."""
    if isinstance(value, str):
        return {value} if " " in value.strip() else set()
    if depth > 3 or value is None:
        return set()
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    out = set()
    for v in items:
        out |= _strings(v, depth + 1)
    return out


def messages(domain: str, lang: str | None = None) -> set[str | tuple[str, str]]:
    """All messages of a domain (a counting message as its ``(singular, plural)`` pair); for
    ``checkers`` with ``lang``, only what must be translated."""
    package_dir, _ = DOMAINS[domain]
    if domain == "checkers":
        found: set[str | tuple[str, str]] = set(content_messages(lang))
        return found if lang else found | _code_messages(package_dir)
    return _code_messages(package_dir)


def po_path(domain: str, lang: str) -> Path:
    return DOMAINS[domain][1] / gettext_code(lang) / "LC_MESSAGES" / f"{domain}.po"


def _read(domain: str, lang: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po
    path = po_path(domain, lang)
    if path.exists():
        with open(path, "rb") as f:
            return read_po(f, locale=gettext_code(lang))
    return Catalog(locale=gettext_code(lang), project="learnkit", domain=domain)


def update(lang: str) -> dict[str, int]:
    """Add new messages (untranslated) and drop obsolete ones in both domains' .po files."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    added = {}
    for domain in DOMAINS:
        old = _read(domain, lang)
        new = Catalog(locale=gettext_code(lang), project="learnkit", domain=domain)
        wanted = sorted(messages(domain), key=msgid)
        for message in wanted:
            prev = old.get(msgid(message))
            string = prev.string if prev is not None else ""
            if isinstance(message, tuple) != isinstance(string, (tuple, list)):  # became (or stopped) counting
                string = ""
            new.add(message, string)
        added[domain] = sum(1 for m in wanted if old.get(msgid(m)) is None
                            or isinstance(m, tuple) != isinstance(old.get(msgid(m)).string, (tuple, list)))
        path = po_path(domain, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            write_po(f, new, width=0, omit_header=False, sort_output=True, no_location=True)
    return added


def compile_all(lang: str) -> list[Path]:
    from babel.messages.mofile import write_mo
    out = []
    for domain in DOMAINS:
        catalog = _read(domain, lang)
        mo = po_path(domain, lang).with_suffix(".mo")
        with open(mo, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        out.append(mo)
    from learnkit.i18n import reload
    reload()
    return out


def check(lang: str) -> dict[str, list[str]]:
    """Per domain: messages in the code/content with no translation in ``lang``."""
    problems = {}
    for domain in DOMAINS:
        catalog = _read(domain, lang)
        missing = [msgid(m) for m in sorted(messages(domain, lang), key=msgid)
                   if not is_translated(catalog.get(msgid(m)))]
        problems[domain] = missing
    return problems

