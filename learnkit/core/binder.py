"""Binds learnkit to the student's notebook namespace.

``from learnkit.core import binder; binder.bind(globals())`` must run before the
exercise module is imported. Checks read the student's variables from this namespace.
Code that needs to watch every executed cell (e.g. remembering each ``history``
before it is overwritten) registers with ``on_cell``.
"""
from __future__ import annotations

from typing import Any, Callable, MutableMapping

_namespace: MutableMapping[str, Any] | None = None
_cell_callbacks: list[Callable[[MutableMapping[str, Any]], None]] = []
_hooked_shell = None


class NotBound(RuntimeError):
    pass


def bind(namespace: MutableMapping[str, Any], lang: str | None = None) -> None:
    """Remember the notebook's globals and watch executed cells (in IPython); quiet framework noise
    (``learnkit.core.quiet``).

    ``lang`` (e.g. ``"zh-TW"``) chooses the language of feedback; default ``LEARNKIT_LANG``.
    """
    global _namespace
    _namespace = namespace
    from learnkit.core.quiet import quiet_frameworks
    quiet_frameworks()  # no Keras `input_shape=` warnings, no TensorFlow import logs in the cells
    if lang:
        from learnkit.i18n import set_language
        set_language(lang)
    _hook_ipython()


def namespace() -> MutableMapping[str, Any]:
    if _namespace is None:
        raise NotBound("learnkit is not bound to your notebook yet: run the setup cell "
                       "(`from learnkit.core import binder; binder.bind(globals())`) first.")
    return _namespace


def is_bound() -> bool:
    return _namespace is not None


def on_cell(callback: Callable[[MutableMapping[str, Any]], None]) -> None:
    """Call ``callback(namespace)`` after every executed cell (once per callback)."""
    if callback not in _cell_callbacks:
        _cell_callbacks.append(callback)


def cell_callbacks() -> list[Callable[[MutableMapping[str, Any]], None]]:
    """The callbacks registered with ``on_cell`` so far (a copy)."""
    return list(_cell_callbacks)


def run_cell_callbacks() -> None:
    """Run the registered callbacks now; a failing callback never disturbs the student."""
    if _namespace is None:
        return
    for cb in list(_cell_callbacks):
        try:
            cb(_namespace)
        except Exception:
            pass


def _post_run_cell(*_args) -> None:
    run_cell_callbacks()


def _hook_ipython() -> None:
    global _hooked_shell
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or shell is _hooked_shell:
        return
    shell.events.register("post_run_cell", _post_run_cell)
    _hooked_shell = shell
