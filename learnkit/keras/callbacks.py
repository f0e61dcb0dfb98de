"""Callback settings: ModelCheckpoint, ReduceLROnPlateau and EarlyStopping (early_stopping.py), one spec each.

    callback_spec_difference(checkpoint, CheckpointSpec("feature_extraction.keras", save_best_only=True))
    callback_spec_difference(reduce_lr, ReduceLRSpec(factor=0.2, patience=3))
    callbacks_difference(callbacks, [CheckpointSpec(), EarlyStoppingSpec(2)])   # a list given to fit

The settings come from ``callback_facts`` (facts.py: the callback's public attributes). A spec
attribute left as ``None`` means "any value". The notebooks' seed wrote
``ModelCheckpoint(file_name=...)``: Keras raises a TypeError before any check can run, so
``CheckpointSpec.hint()`` gives the text for the question's hint.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Sequence, Union

from learnkit.core.compare import describe
from learnkit.core.problem import Incorrect
from learnkit.i18n import _
from learnkit.keras.early_stopping import EarlyStoppingSpec, callback_difference
from learnkit.keras.facts import CallbackFacts, callback_facts


@dataclass(frozen=True)
class CheckpointSpec:
    """``keras.callbacks.ModelCheckpoint``: the file it saves to (compared by file name), what it watches."""

    filepath: str | None = None
    monitor: str | None = "val_loss"
    save_best_only: bool | None = None
    save_weights_only: bool | None = None

    def example(self) -> str:
        args = [f"filepath={self.filepath or 'best_model.keras'!r}"]
        if self.save_best_only is not None:
            args.append(f"save_best_only={self.save_best_only}")
        if self.monitor is not None:
            args.append(f"monitor={self.monitor!r}")
        return f"keras.callbacks.ModelCheckpoint({', '.join(args)})"

    def hint(self) -> str:
        return _("ModelCheckpoint's first argument is filepath= (there is no file_name=): {example}.").format(
            example=self.example())


@dataclass(frozen=True)
class ReduceLRSpec:
    """``keras.callbacks.ReduceLROnPlateau``: multiply the learning rate by ``factor`` after ``patience``
    epochs without improvement of ``monitor`` (down to ``min_lr``)."""

    factor: float | None = None
    patience: int | None = None
    monitor: str | None = "val_loss"
    min_lr: float | None = None


CallbackSpec = Union[EarlyStoppingSpec, CheckpointSpec, ReduceLRSpec]
_CLASSES = {CheckpointSpec: "ModelCheckpoint", ReduceLRSpec: "ReduceLROnPlateau", EarlyStoppingSpec: "EarlyStopping"}


def _same(got, want) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12)
    return got == want


def _setting(facts: CallbackFacts, key: str):
    return getattr(facts, key) if hasattr(facts, key) and key != "attrs" else facts.attrs.get(key)


def callback_spec_difference(cb, spec: CallbackSpec, name: str = "callback") -> str | None:
    """None when ``cb`` is the callback ``spec`` describes; else one message for the student."""
    if isinstance(spec, EarlyStoppingSpec):
        return callback_difference(cb, spec, name)
    try:
        facts = callback_facts(cb, name=name)
    except Incorrect as e:
        return str(e)
    want_cls = _CLASSES[type(spec)]
    if facts.cls != want_cls:
        return _("`{name}` should be keras.callbacks.{want}(...); yours is {cls}.").format(
            name=name, want=want_cls, cls=facts.cls)
    if isinstance(spec, CheckpointSpec) and spec.filepath is not None:
        have = os.path.basename(str(facts.filepath or ""))
        if have != os.path.basename(spec.filepath):
            return _("`{name}` saves to '{have}'; this question saves the model to '{want}' "
                     "(filepath='{want}').").format(name=name, have=have, want=spec.filepath)
    for key, want in vars(spec).items():
        if want is None or key == "filepath":
            continue
        got = _setting(facts, key)
        if not _same(got, want):
            if key == "monitor":
                return _("`{name}` watches '{have}'; it should watch '{want}' (monitor='{want}').").format(
                    name=name, have=got, want=want)
            return _("`{name}` has {key}={have!r}; this question asks for {key}={want!r}.").format(
                name=name, key=key, have=got, want=want)
    return None


def callbacks_difference(value, specs: Sequence[CallbackSpec], name: str = "callbacks") -> str | None:
    """A list of callbacks (what ``fit(callbacks=...)`` was given) that holds one callback per spec."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for spec in specs:
        want_cls = _CLASSES[type(spec)]
        found = [cb for cb in items if _cls(cb) == want_cls]
        if not found:
            have = ", ".join(_cls(cb) or describe(cb) for cb in items) or _("nothing")
            return _("`{name}` has no {want} callback (it holds: {have}): add keras.callbacks.{want}(...).").format(
                name=name, want=want_cls, have=have)
        why = callback_spec_difference(found[0], spec, f"{name}[{items.index(found[0])}]")
        if why:
            return why
    return None


def _cls(cb) -> str | None:
    try:
        return callback_facts(cb).cls
    except Incorrect:
        return None
