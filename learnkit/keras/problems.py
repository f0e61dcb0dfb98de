"""``KerasModelProblem``: "build this stack of layers" questions, judged on the live model.

With ``graph=Graph(...)`` instead of ``layers=`` the model may branch (graph.py: residual blocks,
Inception-style branches, preprocess_input and a nested conv_base); the rest of the judging is the same.

    KerasModelProblem(
        layers=[Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1, "linear")],
        input_shape=[18],
        starter=[Dense(128, "relu"), Dense(64, "relu"), Dense(1)],
        starter_message="`model` is still the starter model: add the two Dropout layers.",
        mistakes=[([Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1), Dropout(0.3)],
                   "Dropout after the output layer would drop predictions: remove the last Dropout.")],
        relevant=relevant_input_dim(18),
    )

Judging order: the variable must exist and not be ``____`` (else unattempted); it must be a
Keras model (else incorrect); a model matching ``layers`` and ``input_shape`` -> correct; one
matching ``starter`` (whatever its input shape: the untouched starter cell run on other data)
-> unattempted; ``relevant(facts)`` False -> ``other_model``: incorrect, naming the model's inputs
and the expected ones, but ignored by the grader's passive judging (``attempt=False``) unless the
layers are this question's; the first matching ``mistakes`` entry -> incorrect with its message;
otherwise incorrect with ``first_difference``'s message.

"Not attempted" is only for what the student has not touched: a blank, a missing variable, the
starter. A model the student built is an attempt: asked, ``q_N.check()`` says what is wrong with
it, even when it looks like another question's model (``relevant``), because several questions
may read the same variable (``model``) and the student who asks means this one.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Mapping, Sequence

from learnkit.core.problem import Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _
from learnkit.keras.facts import ModelFacts, NotAModel, model_facts
from learnkit.keras.freeze import freeze_difference, nested_models
from learnkit.keras.graph import Graph, graph_difference
from learnkit.keras.spec import LayerSpec, first_difference, input_shape_difference


@dataclass(kw_only=True)
class KerasModelProblem(Problem):
    """The model in ``var`` must be the chain of layers ``layers`` (with ``input_shape`` if given)."""

    var: str = "model"
    layers: Sequence[LayerSpec] | None = None
    graph: Graph | None = None  # instead of ``layers``: a model that is not a simple chain (graph.py)
    input_shape: Sequence[int] | None = None
    starter: Sequence[LayerSpec] | None = None  # the untouched starter model's layers
    starter_message: str = ""
    # (a list of LayerSpec, or a callable(ModelFacts) -> bool, message); input shapes are ignored
    mistakes: Sequence[tuple] = ()
    relevant: Callable[[ModelFacts], bool] | None = None
    relevant_message: str = ""  # why a non-relevant model is wrong here, when its input shape does not say it
    params: int | None = None  # the model's total parameter count, as the question gives it
    output_shapes: Sequence | Mapping | None = None  # per layer (None: any), or {layer number: shape}
    success: str = ""
    kind = "keras_model"

    def judge(self, ns):
        value = self.fetch(ns)[self.var]
        try:
            facts = model_facts(value, name=self.var)
        except NotAModel as e:  # with `relevant`, a non-model may belong to another question
            raise NotAModel(str(e), attempt=self.relevant is None) from None
        why = graph_difference(value, self.graph, self.var) if self.graph is not None else \
            first_difference(facts, self.layers or (), self.input_shape, params=self.params,
                             output_shapes=self.output_shapes)
        if why is None:
            return Verdict(Status.CORRECT, self.success or _("Correct!"))
        if self.starter is not None and first_difference(facts, self.starter) is None:
            raise Unattempted(self.starter_message or _(
                "`{var}` is still the starter model: change it as the question asks.").format(var=self.var))
        if self.relevant is not None and not self.relevant(facts):
            raise other_model(facts, self.layers, self.input_shape, self.relevant_message)
        for pattern, message in self.mistakes:
            hit = pattern(facts) if callable(pattern) else first_difference(facts, pattern) is None
            if hit:
                raise Incorrect(message)
        raise Incorrect(why)


def other_model(facts: ModelFacts, layers: Sequence[LayerSpec] | None, input_shape=None,
                message: str = "") -> Incorrect:
    """The ``Incorrect`` for a model that may be another question's (a ``relevant`` test said so).

    The message names the model's inputs and the expected ones when they differ (then also the
    first difference in the layers, if any), else ``message`` or ``first_difference``'s. The student
    who asks is told it is wrong; the grader's passive judging ignores it (``attempt=False``)
    unless its layers are this question's, which makes it an attempt with the wrong input shape.
    """
    own = layers is not None and first_difference(facts, layers) is None
    shape = None
    if input_shape is not None and facts.input_shape is not None:
        shape = input_shape_difference(facts.input_shape, input_shape)
    if shape:
        layer_why = first_difference(facts, layers) if layers is not None and not own else None
        why = shape + (" " + layer_why if layer_why else "")
    else:
        why = message or (first_difference(facts, layers, input_shape) if layers is not None else None) \
            or _("This is not the model this question asks for.")
    return Incorrect(why, attempt=own)


def relevant_input_dim(n: int) -> Callable[[ModelFacts], bool]:
    """A ``relevant`` predicate: the model's input shape is ``(n,)`` or not known yet."""

    def relevant(facts: ModelFacts) -> bool:
        return facts.input_shape is None or tuple(facts.input_shape) == (n,)

    relevant.__name__ = f"relevant_input_dim_{n}"
    return relevant


@dataclass(kw_only=True)
class KerasFreezeProblem(Problem):
    """What of a pretrained base is frozen: ``trainable=False`` (feature extraction) or ``trainable_last=N``
    (fine-tuning: only its last N layers train). ``var`` holds the base itself (``conv_base``) or a model
    that uses it as a layer; ``base`` names it (``"vgg16"``) when that model holds several models.

        KerasFreezeProblem(var="conv_base", trainable_last=4)

    The model may have any shape (``preprocess_input`` between layers is fine): only the freeze is judged.
    """

    var: str = "conv_base"
    base: str | None = None
    trainable: bool | None = None
    trainable_last: int | None = None
    success: str = ""
    kind = "keras_freeze"

    def judge(self, ns):
        facts = model_facts(self.fetch(ns)[self.var], name=self.var)
        inside = nested_models(facts)
        if self.base is not None and facts.name != self.base:
            inside = [layer for layer in inside if layer.name == self.base]
        target = facts if not inside or (self.base is not None and facts.name == self.base) else inside[0].model
        if target is None or (self.base is not None and target.name != self.base):
            raise Incorrect(_("`{var}` has no {base} inside; the question freezes layers of {base}.").format(
                var=self.var, base=self.base))
        var = self.var if target is facts else "conv_base"
        why = freeze_difference(target, trainable=self.trainable, trainable_last=self.trainable_last, var=var)
        if why:
            raise Incorrect(why)
        return Verdict(Status.CORRECT, self.success or _("Correct!"))
