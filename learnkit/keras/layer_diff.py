"""One layer against its spec: the first setting that differs, as one message for the student.

    layer_difference(layer_facts, Conv2D(32, 3, "relu"), 3)
    # "Layer 3 (Conv2D) has kernel_size (5, 5); the question asks for (3, 3)."

Numbers compare within ``RATE_TOL``; a regularizer, a wrapped layer (``Bidirectional``) and a
model used as a layer (``NestedModel``: its name and what of it is frozen) have their own messages.
"""
from __future__ import annotations

import math
from collections.abc import Collection

from learnkit.i18n import _
from learnkit.keras.facts import LayerFacts
from learnkit.keras.layer_facts import setting_text
from learnkit.keras.layer_specs import NESTED_MODEL, LayerSpec, units_text
from learnkit.keras.names import ACTIVATION_LAYERS
from learnkit.keras.regularizers import NO_REGULARIZER, REGULARIZER_KEYS

__all__ = ["RATE_TOL", "hidden_only_regularizers", "layer_difference", "same_value", "setting_value"]

RATE_TOL = 1e-6
_OLD_STYLE = ("use_bias",)  # and BatchNormalization's settings: "with key=value" messages


def setting_value(layer: LayerFacts, key):
    """The layer's value of a spec attribute."""
    if key in ("units", "activation", "rate"):
        return getattr(layer, key)
    if key == "name":
        return layer.name
    if key == "trainable":
        return layer.trainable
    if key == "layer":
        return layer.wrapped
    if layer.bn and key in layer.bn:
        return layer.bn[key]
    return layer.config.get(key)


def same_value(got, want) -> bool:
    if isinstance(want, tuple) and isinstance(got, tuple):
        return len(got) == len(want) and all(same_value(g, w) for g, w in zip(got, want))
    if isinstance(want, float) or isinstance(got, float):
        try:
            return math.isclose(float(got), float(want), rel_tol=0, abs_tol=RATE_TOL)
        except (TypeError, ValueError):
            return False
    return (tuple(got) if isinstance(got, list) else got) == want


def hidden_only_regularizers(spec) -> set[str]:
    """The regularizer keys that ``spec`` (a list of LayerSpec) sets on hidden layers and forbids on the last."""
    if not spec:
        return set()
    hidden = {k for s in spec[:-1] for k, v in s.attrs if k in REGULARIZER_KEYS and v != NO_REGULARIZER}
    return {k for k in hidden if spec[-1].get(k) == NO_REGULARIZER}


def _regularizer_message(layer: LayerFacts, key: str, got, want, pos: int, hidden_only) -> str:
    what = key.replace("_", " ")
    fmt = {"i": pos, "layer": layer.short(), "what": what, "got": got, "want": want}
    if want == NO_REGULARIZER and key in hidden_only:
        return _("Layer {i} ({layer}) is the output layer: it should have no {what}; yours has {got}. "
                 "The question regularizes the hidden layers only.").format(**fmt)
    if want == NO_REGULARIZER:
        return _("Layer {i} ({layer}) should have no {what}; yours has {got}.").format(**fmt)
    if got in (None, NO_REGULARIZER):
        return _("Layer {i} ({layer}) has no {what}; the question asks for {want}.").format(**fmt)
    return _("Layer {i} ({layer}) has the {what} {got}; the question asks for {want}.").format(**fmt)


def _nested_difference(layer: LayerFacts, spec: LayerSpec, pos: int) -> str | None:
    from learnkit.keras.freeze import freeze_difference
    if layer.model is None:
        return _("Layer {i} should be a model used as a layer ({want}); yours is {have}.").format(
            i=pos, want=spec.short(), have=layer.short())
    want_name = spec.get("name")
    if want_name is not None and layer.name != want_name:
        return _("Layer {i} should be the {want} model; yours is {have}.").format(
            i=pos, want=want_name, have=layer.short())
    return freeze_difference(layer.model, trainable=spec.get("trainable"), trainable_last=spec.get("trainable_last"))


def layer_difference(layer: LayerFacts, spec: LayerSpec, pos: int, hidden_only: Collection[str] = ()) -> str | None:
    """None when ``layer`` matches ``spec``; else the first difference. ``hidden_only``: for the output
    layer, the regularizer keys the question asks for on the hidden layers only (a message says so)."""
    if spec.cls == NESTED_MODEL:
        return _nested_difference(layer, spec, pos)
    same_cls = layer.cls == spec.cls or (spec.cls == "Activation" and layer.cls in ACTIVATION_LAYERS)
    if not same_cls:
        return _("Layer {i} should be {want}; yours is {have}.").format(
            i=pos, want=spec.describe(), have=layer.short())
    for key, want in spec.attrs:
        got = setting_value(layer, key)
        if isinstance(want, LayerSpec):  # Bidirectional(LSTM(32))
            inner = layer_difference(got, want, pos) if got is not None else None
            if got is not None and got.cls == want.cls and inner is not None:
                return inner
            if got is None or inner is not None:
                return _("Layer {i} ({cls}) wraps {got}; the question asks for {want}.").format(
                    i=pos, cls=layer.cls, got=got.short() if got is not None else _("no layer"), want=want.short())
            continue
        if same_value(got, want):
            continue
        fmt = {"i": pos, "cls": spec.cls, "layer": layer.short(), "key": key}
        if key == "units":
            return _("Layer {i} should be {cls} with {want}; yours has {got}.").format(
                want=units_text(want), got=units_text(got), **fmt)
        if key == "rate":
            return _("Layer {i} should be {cls} with rate {want:g}; yours has rate {got}.").format(
                want=want, got=f"{got:g}" if isinstance(got, float) else got, **fmt)
        if key == "activation" and want == "linear":
            return _("Layer {i} should have no activation (linear); yours uses {got}.").format(got=got, **fmt)
        if key == "activation":
            return _("Layer {i} should use the {want} activation; yours uses {got}.").format(
                want=want, got=got, **fmt)
        if key in REGULARIZER_KEYS:
            return _regularizer_message(layer, key, got, want, pos, hidden_only)
        if key == "filters":
            return _("Layer {i} ({cls}) has {got} filters; the question asks for {want}.").format(
                got=got, want=want, **fmt)
        if key == "return_sequences" and want is True:
            return _("Layer {i} ({layer}) should return the whole sequence (return_sequences=True): the next "
                     "layer needs its output at every time step.").format(**fmt)
        if key == "return_sequences":
            return _("Layer {i} ({layer}) should return only its last output: leave out "
                     "return_sequences=True.").format(**fmt)
        if key == "trainable":
            return (_("Layer {i} ({layer}) should be frozen (trainable=False).") if want is False else
                    _("Layer {i} ({layer}) should train; yours is frozen (trainable=False).")).format(**fmt)
        if key in _OLD_STYLE or layer.bn is not None:
            return _("Layer {i} should be {cls} with {key}={want!r}; yours has {key}={got!r}.").format(
                want=want, got=got, **fmt)
        return _("Layer {i} ({cls}) has {key} {got}; the question asks for {want}.").format(
            got=setting_text(got), want=setting_text(want), **fmt)
    return None
