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

from collections.abc import Sequence

from learnkit.i18n import _, _n, gap
from learnkit.keras.facts import LayerFacts, ModelFacts, NotAModel, model_facts
from learnkit.keras.layer_specs import *  # noqa: F403  (the spec constructors: Dense, Conv2D, LSTM, ...)
from learnkit.keras.layer_specs import Layer, LayerSpec, spec_summary, units_text  # noqa: F401
from learnkit.keras.layer_diff import RATE_TOL, hidden_only_regularizers, layer_difference  # noqa: F401
from learnkit.keras.reference import reference_layers


def _matches(layers, spec) -> bool:
    return len(layers) == len(spec) and all(
        layer_difference(layer, s, i) is None for i, (layer, s) in enumerate(zip(layers, spec), 1))


def _sequence_difference(layers: tuple, spec: Sequence[LayerSpec]) -> str | None:
    n, m = len(layers), len(spec)
    hidden_only = hidden_only_regularizers(spec)
    first = next((d for d in (layer_difference(layer, s, i, hidden_only if i == m else ())
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


# ---------------------------------------------------------------- parameter counts and output shapes
def reference_params(layers: Sequence[LayerFacts], spec: Sequence[LayerSpec], input_shape) -> list[int | None]:
    """Each layer's parameter count in the reference model (``reference.reference_layers``): ``spec``
    (what it leaves open taken from the student's layer) with Keras's defaults for what the spec does
    not set (``use_bias=True``, ``center=scale=True``, ``axis=-1``), fed ``input_shape``. None where
    this cannot compute it (an Embedding without input_dim, a Conv2D spec without kernel_size, ...)."""
    return [count for count, _shape in reference_layers(layers, spec, input_shape)]


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
        fmt = {"i": layer.index, "layer": layer.short(), "have": layer.params, "want": count}
        if layer.config.get("use_bias") is False:
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


def total_params_difference(facts: ModelFacts, params: int | None = None, trainable: int | None = None,
                            non_trainable: int | None = None) -> str | None:
    """None when the model has the parameter counts the question gives (``None``: not checked), else one
    message (``model.count_params()``; trainable and non-trainable as in ``model.summary()``)."""
    if facts.params is None:
        return _("Your model is not built yet, so Keras cannot count its parameters: give it an input shape "
                 "(keras.Input(shape=...) as its first layer).")
    for want, have, text in (
            (params, facts.params, _("Your model has {have:,} parameters; the question's model has {want:,}.")),
            (trainable, facts.trainable_params,
             _("Your model has {have:,} trainable parameters; the question's model has {want:,}.")),
            (non_trainable, facts.non_trainable_params,
             _("Your model has {have:,} non-trainable parameters; the question's model has {want:,}."))):
        if want is not None and have != want:
            return text.format(have=have, want=want)
    return None


def output_shapes_difference(facts: ModelFacts, shapes) -> str | None:
    """None when each layer's output shape (without the batch dimension) is the one given: ``shapes`` is a
    list with one shape (or None: any) per layer, or a dict {layer number (1-based): shape}."""
    wanted = shapes.items() if isinstance(shapes, dict) else enumerate(shapes, start=1)
    for i, want in wanted:
        if want is None or not 1 <= i <= len(facts.layers):
            continue
        layer = facts.layers[i - 1]
        want = tuple(want) if isinstance(want, (list, tuple)) else (want,)
        if layer.output_shape is not None and tuple(layer.output_shape) != want:
            return _("Layer {i} ({layer}) outputs shape {have}; the question's layer {i} outputs {want}.").format(
                i=i, layer=layer.short(), have=_shape_text(layer.output_shape), want=_shape_text(want))
    return None


def reference_shapes_difference(facts: ModelFacts, spec: Sequence[LayerSpec], input_shape) -> str | None:
    """The first layer whose output shape is not the reference model's (``reference_layers``)."""
    expected = [shape for _count, shape in reference_layers(facts.layers, spec, input_shape)]
    return output_shapes_difference(facts, expected)


def first_difference(model_or_facts, spec: Sequence[LayerSpec], input_shape=None, name: str = "model", *,
                     params: int | None = None, output_shapes=None) -> str | None:
    """None when the model matches ``spec`` (and ``input_shape``, and ``params``: the total count, and
    ``output_shapes``: see ``output_shapes_difference``), else one message for the student."""
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
    if why:
        return why
    if input_shape is not None:
        why = input_shape_difference(facts.input_shape, input_shape) or params_difference(facts, spec, input_shape) \
            or reference_shapes_difference(facts, spec, input_shape)
    if not why and params is not None:
        why = total_params_difference(facts, params)
    if not why and output_shapes is not None:
        why = output_shapes_difference(facts, output_shapes)
    return why
