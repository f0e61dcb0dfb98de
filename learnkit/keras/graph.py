"""A declarative graph spec for models that are not a simple chain, matched up to isomorphism.

    RESIDUAL = Graph(Input((32, 32, 3)),
                     Node("c1", Layer("Conv2D", filters=3, kernel_size=(3, 3), padding="same"), "input"),
                     Node("c2", Layer("Conv2D", filters=3, kernel_size=(3, 3), padding="same")),  # after c1
                     Node("add", Layer("Add"), "c2", "input"))        # outputs: the last node
    graph_difference(model, RESIDUAL)   # None, or one message for the student

A node's layer is a ``LayerSpec`` (spec.py), a nested model (``Submodel``) or plain operations
(``Function(keras.applications.vgg16.preprocess_input)``). A node without inbound names takes the
previous node's output; ``outputs=`` names the output nodes (default: the last node).
``Graph.chain(layers, input_shape)`` is a simple chain; Sequential models match graphs too.

Node names are the author's: the student's graph matches when some one-to-one map of the nodes
keeps every node's kind, attributes and inbound nodes. The inputs of Add, Multiply, Average,
Maximum and Minimum (``UNORDERED``) match in any order; Concatenate's in order (another order gets
its own message). ``x + y`` on tensors is accepted for an ``Add`` node, ``x * y`` for ``Multiply``.

The message names the first difference in the author's node order: a node wired to the wrong
inputs ("The Add layer should add the model's input to the output of the second Conv2D; yours
adds the outputs of the two Conv2D layers."), a missing merge ("Your model has no skip
connection: ..."), a node missing in a branch ("Branch 2 of the Concatenate has no
MaxPooling2D."), a layer with other settings (spec.py's message), an extra node, then the input shape.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Sequence, Union

from learnkit.i18n import _
from learnkit.keras.facts import NotAModel
from learnkit.keras.graph_facts import SHARED, UNREADABLE, GraphFacts, GraphNode, graph_facts
from learnkit.keras.layer_diff import layer_difference
from learnkit.keras.spec import Layer, LayerSpec, first_difference, input_shape_difference

UNORDERED = {"Add", "Multiply", "Average", "Maximum", "Minimum"}
MERGES = UNORDERED | {"Concatenate", "Subtract", "Dot"}
_OP_SPELLINGS = {"Add": ("Add",), "Multiply": ("Multiply",)}  # x + y, x * y on symbolic tensors


@dataclass(frozen=True)
class Submodel:
    """A nested model used as one layer (``conv_base``, a ``data_augmentation`` Sequential).

    ``name``/``cls``: its name (``"vgg16"``) or class (``"Sequential"``); ``layers``: its layers as
    ``LayerSpec``s (a chain); ``trainable``: ``False`` for a frozen base. ``None``: any."""

    name: str | None = None
    cls: str | None = None
    layers: tuple | None = None
    trainable: bool | None = None

    def short(self) -> str:
        return self.name or self.cls or _("a nested model")


@dataclass(frozen=True)
class Function:
    """Plain operations on tensors, e.g. ``Function(keras.applications.vgg16.preprocess_input)``.

    Matched by the class names of the operations that ``fn`` applies to a symbolic tensor (traced
    with Keras when first needed), or by ``ops`` given explicitly."""

    fn: Callable | None = None
    name: str | None = None
    ops: tuple | None = None

    def short(self) -> str:
        return self.name or getattr(self.fn, "__name__", None) or ", ".join(self.ops or ())

    def signature(self, shape) -> tuple:
        return tuple(sorted(self.ops)) if self.ops is not None else _trace(self.fn, tuple(shape or (8, 8, 3)))


@functools.lru_cache(maxsize=32)
def _trace(fn, shape: tuple) -> tuple:
    import keras
    inp = keras.Input(shape)
    model = keras.Model(inp, fn(inp))
    return tuple(sorted(type(op).__name__ for op in model.operations if not isinstance(op, keras.layers.Layer)))


NodeLayer = Union[LayerSpec, Submodel, Function]


@dataclass(frozen=True)
class Input:
    shape: tuple | None = None
    name: str = "input"


@dataclass(frozen=True)
class NodeSpec:
    name: str
    layer: NodeLayer
    inbound: tuple = ()  # names; empty: the previous node


def Node(name: str, layer: NodeLayer | str, *inbound: str) -> NodeSpec:
    return NodeSpec(name, Layer(layer) if isinstance(layer, str) else layer, tuple(inbound))


class Graph:
    """Inputs and nodes in order (each node after the nodes it takes), and the output node names."""

    def __init__(self, *parts: Input | NodeSpec, outputs: str | Sequence[str] | None = None):
        self.inputs = [p for p in parts if isinstance(p, Input)]
        self.nodes: list[NodeSpec] = []
        previous = None
        for p in parts:
            if isinstance(p, NodeSpec):
                if not p.inbound:
                    p = NodeSpec(p.name, p.layer, (previous,) if previous else (self.inputs[0].name,))
                self.nodes.append(p)
            previous = p.name
        names = [p.name for p in parts]
        if len(set(names)) != len(names):
            raise ValueError(f"node names must be unique: {names}")
        for n in self.nodes:
            bad = [i for i in n.inbound if i not in names[:names.index(n.name)]]
            if bad:
                raise ValueError(f"node {n.name!r} takes {bad}, which are not defined before it")
        self.outputs = [outputs] if isinstance(outputs, str) else list(outputs or [self.nodes[-1].name])

    @classmethod
    def chain(cls, layers: Sequence[NodeLayer], input_shape=None) -> "Graph":
        return cls(Input(None if input_shape is None else tuple(input_shape)),
                   *(Node(f"n{i}", layer) for i, layer in enumerate(layers, 1)))


# ---------------------------------------------------------------- one node
def _node_difference(node: GraphNode, want: NodeLayer, g: GraphFacts) -> str | None:
    """None when the student's node is the node ``want`` describes (inbound nodes aside)."""
    if isinstance(want, LayerSpec):
        if node.kind == "ops" and node.ops == _OP_SPELLINGS.get(want.cls, ()) and len(want.attrs) == 0:
            return None
        if node.layer is None or node.kind not in ("layer", "model"):
            return _("{node} should be {want}.").format(node=_name(node, g, True), want=want.describe())
        return layer_difference(node.layer, want, node.layer.index)
    if isinstance(want, Submodel):
        if node.kind != "model" or node.layer is None:
            return _("{node} should be the nested model {want}.").format(node=_name(node, g, True), want=want.short())
        if want.name is not None and node.layer.name != want.name or want.cls is not None and node.layer.cls != want.cls:
            return _("{node} should be the nested model {want}.").format(node=_name(node, g, True), want=want.short())
        if want.layers is not None:
            from learnkit.keras.facts import ModelFacts
            sub = ModelFacts(node.layer.cls, node.sublayers, None, None, None, None, True)
            why = first_difference(sub, list(want.layers))
            if why:
                return _("In the nested model {name}: {why}").format(name=node.layer.name, why=why)
        if want.trainable is not None and node.trainable != want.trainable:
            return (_("The nested model {name} should be frozen: set its trainable attribute to False "
                      "(e.g. conv_base.trainable = False) before you compile.") if not want.trainable
                    else _("The nested model {name} should be trainable: set its trainable attribute to True.")
                    ).format(name=node.layer.name)
        return None
    shape = g.nodes[node.inbound[0]].shape if node.inbound else None
    if node.kind != "ops" or node.ops != want.signature(shape):
        return _("{node} should be {want}.").format(node=_name(node, g, True), want=want.short())
    return None


# ---------------------------------------------------------------- naming the student's nodes
def _ordinal(k: int) -> str:
    words = [_("first"), _("second"), _("third"), _("fourth"), _("fifth"), _("sixth")]
    return words[k - 1] if k <= len(words) else _("number {k}").format(k=k)


def _name(node: GraphNode, g: GraphFacts, capital: bool = False) -> str:
    """'the Add layer', 'the second Conv2D', 'vgg16', 'the model's input', 'your operations (Add, Stack)'."""
    if node.kind == "input":
        text = _("the model's input") if len(g.inputs) == 1 else _("input {k}").format(k=g.inputs.index(node.id) + 1)
    elif node.kind == "ops":
        text = _("your operations ({ops})").format(ops=", ".join(dict.fromkeys(node.ops)))
    elif node.kind == "model":
        text = _("the nested model {name}").format(name=node.layer.name if node.layer else "?")
    else:
        same = [n.id for n in g.nodes if n.kind == "layer" and n.cls == node.cls]
        text = (_("the {cls} layer").format(cls=node.cls) if len(same) == 1 else
                _("the {ordinal} {cls} ({name})").format(ordinal=_ordinal(same.index(node.id) + 1), cls=node.cls,
                                                         name=node.layer.name if node.layer else "?"))
    return text[:1].upper() + text[1:] if capital else text


def _outputs(ids: Sequence[int], g: GraphFacts, collapse: bool = True) -> str:
    """'the model's input and the output of the second Conv2D', 'the outputs of the two Conv2D layers'."""
    nodes = [g.nodes[i] for i in ids]
    if collapse and len(nodes) == 2 and all(n.kind == "layer" for n in nodes) and nodes[0].cls == nodes[1].cls \
            and sum(n.kind == "layer" and n.cls == nodes[0].cls for n in g.nodes) == 2:
        return _("the outputs of the two {cls} layers").format(cls=nodes[0].cls)
    parts = [_name(n, g) if n.kind == "input" else _("the output of {node}").format(node=_name(n, g)) for n in nodes]
    return parts[0] if len(parts) == 1 else _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def _wiring(node: GraphNode, want: Sequence[int], g: GraphFacts, ordered: bool) -> str:
    fmt = dict(node=_name(node, g, True), want=_outputs(want, g, not ordered),
               have=_outputs(node.inbound, g, not ordered))
    if node.cls == "Add" and len(want) == 2:
        first, second = sorted(want)
        fmt.update(want=_("{a} to {b}").format(a=_outputs([first], g), b=_outputs([second], g)))
        return _("{node} should add {want}; yours adds {have}.").format(**fmt)
    if ordered and sorted(want) == sorted(node.inbound):
        return _("{node} takes the right tensors in another order: it should take {want} (in this order); "
                 "yours takes {have}.").format(**fmt)
    return _("{node} should take {want}; yours takes {have}.").format(**fmt)


# ---------------------------------------------------------------- matching
def _inbound_ok(spec: NodeSpec, node: GraphNode, want: Sequence[int]) -> bool:
    cls = spec.layer.cls if isinstance(spec.layer, LayerSpec) else None
    if cls in UNORDERED:
        return sorted(node.inbound) == sorted(want)
    return list(node.inbound) == list(want)


def _exact(graph: Graph, g: GraphFacts) -> bool:
    """Is there a one-to-one map of the spec's nodes onto all of the student's nodes? (backtracking)"""
    if len(graph.inputs) != len(g.inputs) or len(graph.nodes) + len(graph.inputs) != len(g.nodes):
        return False
    start = {i.name: gid for i, gid in zip(graph.inputs, g.inputs)}

    def extend(k: int, mapping: dict) -> bool:
        if k == len(graph.nodes):
            return [mapping[o] for o in graph.outputs] == list(g.outputs)
        spec = graph.nodes[k]
        used = set(mapping.values())
        want = [mapping[i] for i in spec.inbound]
        for node in g.nodes:
            if node.id not in used and _inbound_ok(spec, node, want) and _node_difference(node, spec.layer, g) is None:
                if extend(k + 1, {**mapping, spec.name: node.id}):
                    return True
        return False
    return extend(0, start)


def _branch(graph: Graph, name: str) -> tuple[NodeSpec, int] | None:
    """The first merge node downstream of ``name`` with ``name`` in exactly one of its branches, and that branch."""
    def ancestors(n: str) -> set:
        spec = next((s for s in graph.nodes if s.name == n), None)
        out = {n}
        for i in (spec.inbound if spec else ()):
            out |= ancestors(i)
        return out
    for spec in graph.nodes:
        cls = spec.layer.cls if isinstance(spec.layer, LayerSpec) else None
        if cls in MERGES:
            hits = [k for k, i in enumerate(spec.inbound, 1) if name in ancestors(i)]
            if len(hits) == 1:
                return spec, hits[0]
    return None


def _missing(graph: Graph, spec: NodeSpec, want: list, g: GraphFacts) -> str:
    cls = spec.layer.cls if isinstance(spec.layer, LayerSpec) else None
    fmt = dict(want=_outputs(want, g), cls=cls, layer=spec.layer.short())
    if cls in MERGES and len(want) >= 2:
        first, *rest = sorted(want) if cls in UNORDERED else want
        what = (_("Your model has no skip connection: nothing joins {a} to {b} (add them with "
                  "keras.layers.Add()).") if cls == "Add"
                else _("Nothing in your model joins {a} and {b} (use keras.layers.{cls}())."))
        return what.format(a=_outputs([first], g), b=_outputs(rest, g), cls=cls)
    branch = _branch(graph, spec.name)
    if branch is not None:
        merge, k = branch
        return _("Branch {k} of the {merge} has no {layer}.").format(k=k, merge=merge.layer.short(), layer=fmt["layer"])
    return _("Your model has no {layer} taking {want}.").format(**fmt)


def graph_difference(model_or_graph, graph: Graph, name: str = "model") -> str | None:
    """None when the model is the graph ``graph`` (up to the names of its nodes), else one message."""
    try:
        g = model_or_graph if isinstance(model_or_graph, GraphFacts) else graph_facts(model_or_graph, name=name)
    except NotAModel as e:
        return str(e)
    if g.error == UNREADABLE:
        return _("learnkit could not read the graph of `{name}`: ask your instructor.").format(name=name)
    if g.error == SHARED:
        return _("Your model uses a layer more than once (a shared layer); this question wants each layer "
                 "called once: create a new layer for each use.")
    if g.error:
        return _("Your model calls the layer {layer} more than once; this question wants each layer used once.").format(
            layer=g.error)
    if _exact(graph, g):
        return _input_shapes(graph, g)
    if len(g.inputs) != len(graph.inputs):
        return _("Your model has {n} inputs; it should have {m}.").format(n=len(g.inputs), m=len(graph.inputs))
    mapping = {i.name: gid for i, gid in zip(graph.inputs, g.inputs)}
    for spec in graph.nodes:
        used = set(mapping.values())
        want = [mapping[i] for i in spec.inbound]
        free = [n for n in g.nodes if n.id not in used and n.kind != "input"]
        same = [n for n in free if _node_difference(n, spec.layer, g) is None]
        exact = [n for n in same if _inbound_ok(spec, n, want)]
        if exact:
            mapping[spec.name] = exact[0].id
            continue
        if same:  # the right layer, other inputs
            node = max(same, key=lambda n: len(set(n.inbound) & set(want)))
            return _wiring(node, want, g, isinstance(spec.layer, LayerSpec) and spec.layer.cls == "Concatenate")
        later = graph.nodes[graph.nodes.index(spec) + 1:]
        wired = [n for n in free if _inbound_ok(spec, n, want)
                 and not any(_node_difference(n, s.layer, g) is None for s in later)]  # else: this one is skipped
        if wired:  # the right place, another layer or settings
            return _node_difference(wired[0], spec.layer, g)
        return _missing(graph, spec, want, g)
    extra = [n for n in g.nodes if n.id not in set(mapping.values())]
    if extra:
        n = extra[0]
        what = n.layer.short() if n.layer is not None else _name(n, g)
        return _("Your model has an extra {what} taking {inputs}: remove it.").format(
            what=what, inputs=_outputs(n.inbound, g))
    want_out = [mapping[o] for o in graph.outputs]
    if want_out != list(g.outputs):
        return _("Your model's output should be {want}; yours is {have}.").format(
            want=_outputs(want_out, g), have=_outputs([o for o in g.outputs if o >= 0], g))
    return _input_shapes(graph, g)


def _input_shapes(graph: Graph, g: GraphFacts) -> str | None:
    for spec, gid in zip(graph.inputs, g.inputs):
        if spec.shape is not None:
            why = input_shape_difference(g.nodes[gid].shape, spec.shape)
            if why:
                return why
    return None


__all__ = ["Graph", "Input", "Node", "NodeSpec", "Submodel", "Function", "graph_difference", "graph_facts",
           "GraphFacts", "GraphNode", "UNORDERED"]
