"""The notebook's memory of training histories.

A notebook overwrites ``history`` with every new fit. ``HistoryLog`` remembers each
Keras ``History`` object that appears in the notebook namespace (it runs after every
cell once ``watch()`` has registered it with ``learnkit.core.binder.on_cell``), so a
checker can compare the run "before" with the run "after" (e.g. without and with
batch normalization). Each ``SeenHistory`` keeps a copy of the history and the
``ModelFacts`` of its model. The memory travels to the grader as the notebook-wide
context facts "keras.histories" (``seen_histories()`` answers from them while the
grader judges).

This module never imports Keras: it looks Keras up in ``sys.modules``.
"""
from __future__ import annotations

import sys
import weakref
from dataclasses import dataclass, field
from typing import Any, Mapping

from learnkit.core import facts as factlib
from learnkit.keras import fact_types  # noqa: F401  (ModelFacts are facts: registers their encoding)
from learnkit.keras.curves import loaded_keras_classes
from learnkit.keras.facts import ModelFacts, model_facts

__all__ = ["HistoryLog", "SeenHistory", "log", "watch", "seen_histories", "MAX_SEEN"]


@dataclass(frozen=True)
class SeenHistory:
    """A snapshot of one History seen in the namespace. ``curve_facts`` accepts it."""

    index: int           #: order of first appearance, 0-based
    name: str            #: where it was first seen: "history", or "model.history"
    history: dict        #: copy of History.history: key -> list of floats
    params: dict         #: copy of History.params
    model: ModelFacts | None  #: its model, if the History had one Keras could describe
    epochs: int


def _describe_model(model) -> ModelFacts | None:
    if model is None:
        return None
    try:
        return model_facts(model)
    except Exception:  # never disturb the student
        return None


def _copy_history(d) -> dict:
    out = {}
    for k, values in dict(d).items():
        try:
            out[k] = [float(v) for v in values]
        except Exception:
            try:
                out[k] = list(values)
            except Exception:
                out[k] = values
    return out


def _signature(d) -> tuple:
    try:
        return tuple((k, len(v)) for k, v in d.items())
    except Exception:
        return ()


@dataclass(slots=True)
class _Record:
    """One History the log has seen: its object (weakly), its name, copies of what it held."""
    ref: Any = None
    name: str = ""
    history: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    model: Any = None
    sig: tuple = ()


class HistoryLog:
    """Remembers every Keras History seen in a namespace, in order of first appearance.

    ``observe(ns)`` scans the top-level values of ``ns`` (names starting with ``_``
    are skipped): each ``keras.callbacks.History``, and the ``.history`` of each Keras
    model (so an unassigned ``model.fit(...)`` is remembered too). A History is
    identified by ``id()`` plus a weak reference, so a new object that reuses a freed
    id is a new entry. When a known History grew (``fit`` again with the same History
    callback), its copy is updated. ``observe`` never raises.
    """

    def __init__(self):
        self._records: list[_Record] = []
        self._by_id: dict[int, int] = {}

    def observe(self, ns: Mapping[str, Any]) -> None:
        try:
            self._observe(ns)
        except Exception:  # never disturb the student
            pass

    def _observe(self, ns: Mapping[str, Any]) -> None:
        if "keras" not in sys.modules and "tf_keras" not in sys.modules:
            return
        hist_cls, model_cls = loaded_keras_classes()
        if not hist_cls:
            return
        models = []
        for name, value in tuple(ns.items()):
            if not isinstance(name, str) or name[:1] == "_":
                continue
            if isinstance(value, hist_cls):
                self._see(value, name)
            elif isinstance(value, model_cls):
                models.append((name, value))
        for name, model in models:  # after direct variables, so `history` names its record
            try:
                h = model.__dict__.get("history")
            except Exception:
                continue
            if isinstance(h, hist_cls):
                self._see(h, name + ".history")

    def _see(self, obj, name: str) -> None:
        i = self._by_id.get(id(obj))
        if i is not None:
            rec = self._records[i]
            if rec.ref is not None and rec.ref() is obj:
                sig = _signature(obj.history)
                if sig != rec.sig:
                    self._fill(rec, obj, sig, with_model=rec.model is None)
                return
        rec = _Record()
        try:
            rec.ref = weakref.ref(obj)
        except TypeError:
            rec.ref = None
        rec.name = name
        rec.model = None
        self._fill(rec, obj, _signature(getattr(obj, "history", {})), with_model=True)
        self._by_id[id(obj)] = len(self._records)
        self._records.append(rec)

    @staticmethod
    def _fill(rec: _Record, obj, sig: tuple, with_model: bool) -> None:
        rec.sig = sig
        try:
            rec.history = _copy_history(obj.history)
        except Exception:
            rec.history = {}
        try:
            rec.params = dict(obj.params or {})
        except Exception:
            rec.params = {}
        if with_model:
            try:
                rec.model = _describe_model(getattr(obj, "model", None))
            except Exception:
                rec.model = None

    def seen(self) -> list[SeenHistory]:
        out = []
        for i, r in enumerate(self._records):
            history = {k: list(v) if isinstance(v, list) else v for k, v in r.history.items()}
            epochs = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
            out.append(SeenHistory(index=i, name=r.name, history=history, params=dict(r.params),
                                   model=r.model, epochs=epochs))
        return out

    def clear(self) -> None:
        self._records.clear()
        self._by_id.clear()

    def __len__(self) -> int:
        return len(self._records)


#: The notebook's history memory (fed by ``watch()``).
log = HistoryLog()


def watch() -> HistoryLog:
    """Observe the bound notebook namespace after every cell (idempotent); observe it now too."""
    from learnkit.core import binder

    binder.on_cell(log.observe)
    if binder.is_bound():
        log.observe(binder.namespace())
    return log


MAX_SEEN = 50  # histories reported to the grader (the latest ones)
_reported: list | None = None  # what the kernel reported, while the grader judges its facts


def seen_histories() -> list[SeenHistory]:
    """Snapshots of every History the notebook has held so far, oldest first."""
    return list(_reported) if _reported is not None else log.seen()


def _install_reported(value):
    global _reported
    if not isinstance(value, list) or not all(isinstance(s, SeenHistory) for s in value):
        raise factlib.MalformedFacts("bad history memory")
    previous, _reported = _reported, value

    def undo():
        global _reported
        _reported = previous
    return undo


factlib.register_dataclass(SeenHistory)
factlib.register_context("keras.histories", lambda: log.seen()[-MAX_SEEN:], _install_reported)
