"""Frozen and trainable layers of a model used inside another (a pretrained convolutional base).

    freeze_difference(model_facts(conv_base), trainable_last=4)   # fine-tuning: only the last 4 train
    freeze_difference(model_facts(conv_base), trainable=False)    # feature extraction: all frozen

A layer "trains" when it has trainable weights (Keras 3 passes ``conv_base.trainable = False`` on to
every layer inside; a layer frozen afterwards has none); layers without weights (pooling) are not
judged, so freezing ``block5_pool`` or not is the same answer. Counting "the last N layers" follows
``conv_base.layers[-N:]``, without the InputLayer (which ``layers[:-N]`` freezes harmlessly).
"""
from __future__ import annotations

from learnkit.i18n import _, _n
from learnkit.keras.facts import LayerFacts, ModelFacts

__all__ = ["trains", "nested_models", "freeze_difference"]


def trains(layer: LayerFacts, enclosing_trainable: bool = True) -> bool | None:
    """True/False for a layer with weights (does any of them train?); None for one without weights."""
    if layer.params == 0:
        return None
    if layer.trainable_params is not None and layer.params:
        return enclosing_trainable and layer.trainable_params > 0
    return enclosing_trainable and layer.trainable  # not built: its flags


def nested_models(facts: ModelFacts) -> list[LayerFacts]:
    """The layers of ``facts`` (at any depth) that are models themselves, outermost first."""
    out = []
    for layer in facts.layers:
        if layer.model is not None:
            out.append(layer)
            out += nested_models(layer.model)
    return out


def _names(layers) -> str:
    names = [layer.name for layer in layers]
    return ", ".join(names) if len(names) <= 4 else ", ".join(names[:3]) + ", …, " + names[-1]


def freeze_difference(base: ModelFacts, trainable: bool | None = None, trainable_last: int | None = None,
                      var: str = "conv_base") -> str | None:
    """None when ``base`` (the facts of the nested model) is frozen as asked, else one message.

    ``trainable=False``: no layer trains; ``trainable=True``: every layer with weights trains;
    ``trainable_last=N``: exactly the last N layers train (those with weights), the rest are frozen.
    ``var`` is the variable the messages' code uses (``conv_base``).
    """
    layers = list(base.layers)
    state = [trains(layer, base.trainable) for layer in layers]
    weighted = [(layer, s) for layer, s in zip(layers, state) if s is not None]
    training = [layer for layer, s in weighted if s]
    frozen = [layer for layer, s in weighted if not s]
    name = base.name or var
    if trainable is False and training:
        return _n("{name} should be frozen (`{var}.trainable = False`, before compiling); {k} of its layers "
                  "trains: {names}.", "{name} should be frozen (`{var}.trainable = False`, before compiling); "
                  "{k} of its layers train: {names}.", len(training)).format(
            name=name, var=var, k=len(training), names=_names(training))
    if trainable is True and frozen:
        return _("All of {name} should train (`{var}.trainable = True`); these layers are frozen: {names}.").format(
            name=name, var=var, names=_names(frozen))
    if trainable_last is None:
        return None
    n = trainable_last
    tail = {id(layer) for layer in layers[len(layers) - n:]} if n else set()
    want_train = [layer for layer, _s in weighted if id(layer) in tail]
    want_frozen = [layer for layer, _s in weighted if id(layer) not in tail]
    fmt = {"name": name, "var": var, "n": n, "tail": _names(layers[len(layers) - n:]) if n else "",
           "total": len(layers)}
    if training == want_train and frozen == want_frozen:
        return None
    if training and training == want_frozen and frozen == want_train:
        return _("In {name}, the last {n} layers ({tail}) are frozen and the other layers train: "
                 "`for layer in {var}.layers[-{n}:]: layer.trainable = False` freezes the last {n} and "
                 "trains the rest, the opposite of fine-tuning. Freeze all but the last {n}: "
                 "`for layer in {var}.layers[:-{n}]: layer.trainable = False`.").format(**fmt)
    if not training:
        return _("All {total} layers of {name} are frozen; for fine-tuning its last {n} layers ({tail}) should "
                 "train: set `{var}.trainable = True`, then `for layer in {var}.layers[:-{n}]: "
                 "layer.trainable = False`.").format(**fmt)
    if not frozen:
        return _("All layers of {name} train; fine-tuning freezes all but the last {n} ({tail}): "
                 "`for layer in {var}.layers[:-{n}]: layer.trainable = False`.").format(**fmt)
    k = next((k for k in range(1, len(layers) + 1)
              if [x for x, _s in weighted if x in layers[len(layers) - k:]] == training), None)
    if k is not None:
        return _("The last {k} layers of {name} train; the question asks for the last {n} ({tail}): "
                 "`for layer in {var}.layers[:-{n}]: layer.trainable = False`.").format(k=k, **fmt)
    wrong_train = [x for x in training if x not in want_train]
    if wrong_train:
        return _("In {name}, these layers should be frozen but train: {names} (only the last {n} should train: "
                 "{tail}).").format(names=_names(wrong_train), **fmt)
    return _("In {name}, these layers should train but are frozen: {names} (the last {n}: {tail}).").format(
        names=_names([x for x in frozen if x in want_train]), **fmt)
