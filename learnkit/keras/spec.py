"""A declarative layer-spec matcher: "is this model the stack of layers the question asks for?".

    spec = [Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1, "linear")]
    first_difference(model, spec, input_shape=[18])  # None, or one message for the student

An attribute left as ``None`` in a spec means "any value". Equivalent spellings match:
``input_shape=`` on the first layer, ``keras.Input``, a functional model whose layers form a
simple chain, ``tensorflow.keras`` or ``keras`` layers, activations given as strings or
functions (``"relu"``, ``keras.activations.relu``, ``tf.nn.relu``), and an ``Activation``
spec also matches the equivalent activation layer (``Activation("relu")`` ~ ``ReLU()``).
Layer numbers are 1-based and do not count the InputLayer.

Order of the checks (only the first difference is reported):
1. not a Keras model (the ``NotAModel`` message);
2. not a simple chain of layers (e.g. a branching functional model);
3. the layer sequence: a wrong layer at the same position, or a different number of layers
   (an extra/missing layer at the end, one extra/missing layer in the middle, or else the
   layer count followed by the first position that differs);
4. the input shape (missing, then different: ``input_shape_difference``) - only once the layers
   are right, because a student fixing the layers usually has the input shape from the starter
   code already;
5. with an input shape: the parameter counts, per layer and in all, against the reference model
   (``params_difference``: ``use_bias=False``, ``BatchNormalization(center=False)``, ...).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from learnkit.i18n import _, _n, gap
from learnkit.keras.facts import LayerFacts, ModelFacts, NotAModel, model_facts
from learnkit.keras.names import ACTIVATION_LAYERS, activation_name

RATE_TOL = 1e-6


@dataclass(frozen=True)
class LayerSpec:
    """One expected layer: a class name and the attributes that must match (others: any)."""

    cls: str
    attrs: tuple = ()  # ((name, value), ...)

    def get(self, key, default=None):
        return dict(self.attrs).get(key, default)

    def short(self) -> str:
        """'Dense(64, relu)', 'Dense(1)', 'Dropout(0.3)', 'BatchNormalization', 'Conv2D(filters=32)'."""
        attrs = dict(self.attrs)
        parts = []
        if "units" in attrs:
            parts.append(str(attrs.pop("units")))
        if "rate" in attrs:
            parts.append(f"{attrs.pop('rate'):g}")
        if "activation" in attrs:
            act = attrs.pop("activation")
            if act != "linear" or self.cls == "Activation":
                parts.append(act)
        parts += [f"{k}={v!r}" for k, v in attrs.items()]
        return f"{self.cls}({', '.join(parts)})" if parts else self.cls

    def describe(self) -> str:
        """'Dropout with rate 0.3', 'Dense with 64 units and the relu activation'."""
        attrs = dict(self.attrs)
        if self.cls == "Activation" and "activation" in attrs:
            return _("an Activation layer with {act}").format(act=attrs["activation"])
        parts = []
        if "units" in attrs:
            parts.append(_units(attrs.pop("units")))
        if "rate" in attrs:
            parts.append(_("rate {rate:g}").format(rate=attrs.pop("rate")))
        if "activation" in attrs:
            act = attrs.pop("activation")
            parts.append(_("no activation") if act == "linear" else _("the {act} activation").format(act=act))
        parts += [f"{k}={v!r}" for k, v in attrs.items()]
        if not parts:
            return self.cls
        return _("{cls} with {attrs}").format(cls=self.cls, attrs=_(" and ").join(parts))


def _units(n) -> str:
    return _n("{n} unit", "{n} units", n).format(n=n)


def _norm(value):
    return tuple(value) if isinstance(value, list) else value


def Layer(cls, **attrs) -> LayerSpec:
    """Any layer class (a name or the class itself) with attributes that must match."""
    name = cls if isinstance(cls, str) else cls.__name__
    if "activation" in attrs and attrs["activation"] is not None:
        attrs["activation"] = activation_name(attrs["activation"])
    return LayerSpec(name, tuple((k, _norm(v)) for k, v in attrs.items() if v is not None))


def Dense(units: int | None = None, activation=None) -> LayerSpec:
    """``activation="linear"`` requires no activation; ``None`` accepts any."""
    return Layer("Dense", units=units, activation=activation)


def Dropout(rate: float | None = None) -> LayerSpec:
    return Layer("Dropout", rate=rate)


def BatchNormalization(**attrs) -> LayerSpec:
    return Layer("BatchNormalization", **attrs)


def Activation(name) -> LayerSpec:
    return Layer("Activation", activation=name)


def spec_summary(spec: Sequence[LayerSpec]) -> str:
    """'Dense(128, relu), Dropout(0.3), Dense(1)'."""
    return ", ".join(s.short() for s in spec)


# ---------------------------------------------------------------- matching
def _value(layer: LayerFacts, key):
    if key in ("units", "activation", "rate"):
        return getattr(layer, key)
    if layer.bn and key in layer.bn:
        return layer.bn[key]
    return layer.config.get(key)


def _same(got, want) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        try:
            return math.isclose(float(got), float(want), rel_tol=0, abs_tol=RATE_TOL)
        except (TypeError, ValueError):
            return False
    return _norm(got) == want


def _layer_difference(layer: LayerFacts, spec: LayerSpec, pos: int) -> str | None:
    same_cls = layer.cls == spec.cls or (spec.cls == "Activation" and layer.cls in ACTIVATION_LAYERS)
    if not same_cls:
        return _("Layer {i} should be {want}; yours is {have}.").format(
            i=pos, want=spec.describe(), have=layer.short())
    for key, want in spec.attrs:
        got = _value(layer, key)
        if _same(got, want):
            continue
        if key == "units":
            return _("Layer {i} should be {cls} with {want}; yours has {got}.").format(
                i=pos, cls=spec.cls, want=_units(want), got=_units(got))
        if key == "rate":
            return _("Layer {i} should be {cls} with rate {want:g}; yours has rate {got}.").format(
                i=pos, cls=spec.cls, want=want, got=f"{got:g}" if isinstance(got, float) else got)
        if key == "activation" and want == "linear":
            return _("Layer {i} should have no activation (linear); yours uses {got}.").format(i=pos, got=got)
        if key == "activation":
            return _("Layer {i} should use the {want} activation; yours uses {got}.").format(
                i=pos, want=want, got=got)
        return _("Layer {i} should be {cls} with {key}={want!r}; yours has {key}={got!r}.").format(
            i=pos, cls=spec.cls, key=key, want=want, got=got)
    return None


def _matches(layers, spec) -> bool:
    return len(layers) == len(spec) and all(
        _layer_difference(layer, s, i) is None for i, (layer, s) in enumerate(zip(layers, spec), 1))


def _sequence_difference(layers: tuple, spec: Sequence[LayerSpec]) -> str | None:
    n, m = len(layers), len(spec)
    first = next((d for d in (_layer_difference(layer, s, i)
                              for i, (layer, s) in enumerate(zip(layers, spec), 1)) if d), None)
    if n == m:
        return first
    if n > m and m and first is None:
        extra = layers[m:]
        if len(extra) == 1:
            return _("Your model has an extra layer {i}: {layer}. It should end after layer {m} ({last}).").format(
                i=m + 1, layer=extra[0].short(), m=m, last=layers[m - 1].short())
        return _("Your model has {k} extra layers after layer {m} ({last}): {extra}. It should end there.").format(
            k=len(extra), m=m, last=layers[m - 1].short(), extra=", ".join(x.short() for x in extra))
    if n == 0:
        return _("Your model has no layers yet; it should have {m}: {layers}.").format(m=m, layers=spec_summary(spec))
    count = _n("Your model has {n} layer ({names}); it should have {m}.",
               "Your model has {n} layers ({names}); it should have {m}.", n).format(
        n=n, names=", ".join(layer.cls for layer in layers), m=m)
    if n < m and first is None:
        missing = spec[n:]
        if len(missing) == 1:
            return count + gap(count) + _("It is missing the last layer: {layer}.").format(layer=missing[0].short())
        return count + gap(count) + _("It is missing the last {k} layers: {layers}.").format(
            k=len(missing), layers=spec_summary(missing))
    if n == m + 1:
        for j in range(n):
            if _matches(layers[:j] + layers[j + 1:], spec):
                where = (_("before {layer}").format(layer=layers[1].short()) if j == 0 else
                         _("between {before} and {after}").format(before=layers[j - 1].short(),
                                                                  after=layers[j + 1].short()))
                return _("Your model has an extra layer {i}: {layer}, {where}. Remove it.").format(
                    i=j + 1, layer=layers[j].short(), where=where)
    if n == m - 1:
        for j in range(m):
            if _matches(layers, list(spec[:j]) + list(spec[j + 1:])):
                where = (_("before {layer}").format(layer=layers[j].short()) if j == 0 else
                         _("between {before} and {after}").format(before=layers[j - 1].short(),
                                                                  after=layers[j].short()))
                return count + gap(count) + _("It is missing layer {i}: {layer}, {where}.").format(
                    i=j + 1, layer=spec[j].short(), where=where)
    return count + (gap(count) + first if first else "")


# ---------------------------------------------------------------- parameter counts
_SHAPE_KEEPING = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
                  "SpatialDropout2D", "SpatialDropout3D", "ActivityRegularization", "Activation", "ReLU", "Softmax",
                  "ELU", "LeakyReLU"}  # no weights, output shape = input shape


def reference_params(layers: Sequence[LayerFacts], spec: Sequence[LayerSpec], input_shape) -> list[int | None]:
    """Each layer's parameter count in the reference model: ``spec`` (units the spec leaves open taken
    from the student's layer) with Keras's defaults for what the spec does not set (``use_bias=True``,
    ``center=scale=True``, ``axis=-1``), fed ``input_shape``. None from the first layer whose count
    this cannot compute (a kind not listed here: Conv2D, Embedding, ...)."""
    shape: tuple | None = tuple(input_shape)
    out: list[int | None] = []
    for layer, want in zip(layers, spec):
        count = None
        if shape and all(isinstance(d, int) for d in shape):
            attrs = dict(want.attrs)
            if layer.cls == "Dense" and isinstance(layer.units, int):
                units = attrs.get("units", layer.units)
                count = shape[-1] * units + (units if attrs.get("use_bias", True) else 0)
                shape = shape[:-1] + (units,)
            elif layer.cls == "BatchNormalization" and attrs.get("axis", -1) in (-1, len(shape)):
                count = shape[-1] * (2 + bool(attrs.get("center", True)) + bool(attrs.get("scale", True)))
            elif layer.cls in _SHAPE_KEEPING:
                count = 0
            elif layer.cls == "Flatten":
                count, shape = 0, (math.prod(shape),)
        if count is None:
            shape = None
        out.append(count)
    return out


def params_difference(facts: ModelFacts, spec: Sequence[LayerSpec], input_shape) -> str | None:
    """None when every layer (and the model) has the reference model's parameter count; else the first
    layer that differs, with a guess at the setting that changed it, and the totals.

    Catches settings that keep the layer list but change the model, such as ``use_bias=False`` or
    ``BatchNormalization(center=False)``. Layers whose reference count is unknown are not compared,
    nor the total then.
    """
    spec = [s if isinstance(s, LayerSpec) else Layer(s) for s in spec]
    want = reference_params(facts.layers, spec, input_shape)
    why = None
    for layer, count in zip(facts.layers, want):
        if count is None or layer.params is None or layer.params == count:
            continue
        fmt = dict(i=layer.index, layer=layer.short(), have=layer.params, want=count)
        if layer.cls == "Dense" and layer.config.get("use_bias") is False:
            why = _("Layer {i} ({layer}) has {have:,} parameters; it should have {want:,} (did you turn off its "
                    "bias? Leave out use_bias=False).").format(**fmt)
        elif layer.cls == "BatchNormalization" and layer.bn and not (layer.bn.get("center") and layer.bn.get("scale")):
            why = _("Layer {i} ({layer}) has {have:,} parameters; it should have {want:,} (did you turn off its "
                    "center or scale? Keep their defaults).").format(**fmt)
        else:
            why = _("Layer {i} ({layer}) has {have:,} parameters; it should have {want:,}.").format(**fmt)
        break
    known = [w for w in want if w is not None]
    total = sum(known) if want and len(known) == len(want) else None
    if total is not None and facts.params is not None and facts.params != total:
        text = _("In all, your model has {have:,} parameters; it should have {want:,}.").format(
            have=facts.params, want=total)
        why = f"{why} {text}" if why else text
    return why


def _shape_text(shape) -> str:
    return repr(tuple(shape))


def input_shape_difference(have, want) -> str | None:
    """None when the input shape ``have`` (without the batch dimension) is ``want``, else one message.

    ``have`` None (a model built without an input shape) asks for one; a flat shape of another
    width names both counts ("Your model takes 17 inputs; this question's data has 18 features").
    """
    want = tuple(want)
    spelling = {"list": list(want), "tuple": _shape_text(want)}
    if have is None:
        return _("Your model has no input shape: pass input_shape={list} to the first layer "
                 "(or start with keras.Input(shape={tuple})).").format(**spelling)
    have = tuple(have)
    if have == want:
        return None
    flat = len(want) == 1 and len(have) == 1 and all(isinstance(d, int) for d in have + want)
    if flat and want[0] > 1:
        text = (_("Your model takes 1 input; this question's data has {m} features (`input_shape={list}`, or "
                  "`keras.Input(shape={tuple})`).") if have[0] == 1 else
                _("Your model takes {n} inputs; this question's data has {m} features (`input_shape={list}`, or "
                  "`keras.Input(shape={tuple})`)."))
        return text.format(n=have[0], m=want[0], **spelling)
    return _("Your model's input shape is {have}; this question's data has shape {want} (`input_shape={list}`, "
             "or `keras.Input(shape={tuple})`).").format(have=_shape_text(have), want=_shape_text(want), **spelling)


def first_difference(model_or_facts, spec: Sequence[LayerSpec], input_shape=None,
                     name: str = "model") -> str | None:
    """None when the model matches ``spec`` (and ``input_shape``), else one message for the student."""
    if isinstance(model_or_facts, ModelFacts):
        facts = model_or_facts
    else:
        try:
            facts = model_facts(model_or_facts, name=name)
        except NotAModel as e:
            return str(e)
    spec = [s if isinstance(s, LayerSpec) else Layer(s) for s in spec]
    if not facts.is_chain:
        return _("Your model is not a simple stack of layers (each layer taking the previous layer's output); "
                 "build it with keras.Sequential([...]) for this question.")
    why = _sequence_difference(facts.layers, spec)
    if why or input_shape is None:
        return why
    return input_shape_difference(facts.input_shape, input_shape) or params_difference(facts, spec, input_shape)
