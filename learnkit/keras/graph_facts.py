"""A Keras model as a graph of nodes (for models that are not a simple chain), from the public Keras 3 API.

    g = graph_facts(model)   # GraphFacts: nodes in topological order, each with its inbound node ids

Keras 3 has no public accessor for a layer's inbound nodes, so the edges come from matching tensors:
a Functional model lists its layers *and* operations in topological order (``model.operations``), each
with its ``input`` (the tensors it was called on, in call order) and its ``output``; a node's inbound
nodes are the producers of its input tensors. Kinds of node:

- ``input``: one per ``model.inputs``;
- ``layer``: a layer (its ``LayerFacts``, numbered as in ``ModelFacts.layers``);
- ``model``: a nested model (``conv_base``, a ``data_augmentation`` Sequential) as one node, with the
  facts of its own layers and whether it is trainable;
- ``ops``: connected plain operations (``keras.ops`` calls, ``x + y`` on tensors, what
  ``keras.applications.vgg16.preprocess_input`` does to a symbolic tensor) merged into one node,
  with their class names (sorted).

A Sequential model is the chain input -> its layers. A layer called more than once (shared) has no
single input: ``error`` is then ``SHARED`` (or the layer's name, where Keras says which) and no nodes
are listed.
"""
from __future__ import annotations

from dataclasses import dataclass

from learnkit.core import facts as F
from learnkit.keras.facts import LayerFacts, layer_facts, model_facts, model_layers


@dataclass(frozen=True)
class GraphNode:
    id: int  # position in GraphFacts.nodes
    kind: str  # 'input', 'layer', 'model' or 'ops'
    inbound: tuple = ()  # ids of the nodes whose outputs this node takes, in call order
    layer: LayerFacts | None = None  # 'layer' and 'model' nodes
    shape: tuple | None = None  # output shape without the batch dimension, when known
    ops: tuple = ()  # 'ops' nodes: the operations' class names, sorted
    sublayers: tuple = ()  # 'model' nodes: LayerFacts of the nested model's layers
    trainable: bool | None = None  # 'model' nodes

    @property
    def cls(self) -> str:
        return self.layer.cls if self.layer is not None else self.kind


@dataclass(frozen=True)
class GraphFacts:
    nodes: tuple = ()
    inputs: tuple = ()  # node ids, in the order of model.inputs
    outputs: tuple = ()  # node ids, in the order of model.outputs
    error: str | None = None  # the name of a layer called more than once (shared): no graph then

    def consumers(self, node_id: int) -> list:
        return [n for n in self.nodes if node_id in n.inbound]


UNREADABLE = "?"  # GraphFacts.error of a model whose graph the kernel could not read
SHARED = "*"  # GraphFacts.error of a model that calls a layer several times (which one, Keras does not say)

for _cls in (GraphNode, GraphFacts):
    F.register_dataclass(_cls)


def _shape(tensor) -> tuple | None:
    try:
        return tuple(None if d is None else int(d) for d in tuple(tensor.shape)[1:])
    except Exception:
        return None


def _flat(value) -> list:
    import keras
    return [t for t in keras.tree.flatten(value) if isinstance(t, keras.KerasTensor)]


def _call(op, producer: dict) -> tuple[list, list] | None:
    """The input and output tensors of ``op``'s call in this model (None: called twice in it).

    ``op.input``/``op.output`` are those of its *first* call: for a nested Functional model (VGG16 as
    ``conv_base``) that is its own construction, and for a layer or model already used in another
    model that model's call. Keras 3 lists a layer's calls only in ``_inbound_nodes`` (no public
    accessor; read when present, else ``op.input``): the call here is the one whose inputs this model made."""
    calls = [(_flat(n.input_tensors), _flat(n.output_tensors)) for n in getattr(op, "_inbound_nodes", None) or ()]
    here = [c for c in calls if c[0] and all(id(t) in producer for t in c[0])]
    if len(here) > 1:
        return None
    return here[0] if here else (_flat(op.input), _flat(op.output))


def _node(kind: str, node_id: int, inbound, layer=None, index: int = 0, shape=None) -> GraphNode:
    if kind == "input":
        return GraphNode(node_id, "input", shape=shape)
    if kind == "model":
        return GraphNode(node_id, "model", tuple(inbound), layer_facts(layer, index), shape,
                         sublayers=model_facts(layer).layers, trainable=bool(layer.trainable))
    return GraphNode(node_id, kind, tuple(inbound), None if layer is None else layer_facts(layer, index), shape)


def _chain(model) -> GraphFacts:
    from learnkit.keras.facts import _input_shape  # noqa: PLC2701 (same package)
    import keras
    shape = _input_shape(model)
    nodes = [GraphNode(0, "input", shape=shape if shape is None or not isinstance(shape[0], tuple) else None)]
    for i, layer in enumerate(model_layers(model), start=1):
        kind = "model" if isinstance(layer, keras.Model) else "layer"
        nodes.append(_node(kind, i, (i - 1,), layer, i))
    return GraphFacts(tuple(nodes), (0,), (len(nodes) - 1,))


def graph_facts(obj, name: str = "model") -> GraphFacts:
    """The graph of a Keras model (live, or a ``ModelFact`` that carries one); ``NotAModel`` otherwise."""
    from learnkit.keras.fact_types import ModelFact
    if isinstance(obj, ModelFact):
        if obj.graph is None:
            return GraphFacts(error=UNREADABLE)
        return obj.graph
    model_facts(obj, name=name)  # raises NotAModel with its message
    import keras
    if isinstance(obj, keras.Sequential) or not hasattr(obj, "operations"):
        return _chain(obj)
    try:
        inputs, outputs = list(obj.inputs), list(obj.outputs)
    except (AttributeError, ValueError):
        return _chain(obj)
    index = {id(layer): i for i, layer in enumerate(model_layers(obj), start=1)}
    producer: dict[int, int] = {}  # id(tensor) -> raw node id
    raw: list[list] = []  # [kind, inbound raw ids, layer, shape, op names]
    root: dict[int, int] = {}  # ops node -> the ops node it was merged into

    def find(i: int) -> int:
        return i if root.get(i, i) == i else find(root[i])
    for t in inputs:
        producer[id(t)] = len(raw)
        raw.append(["input", [], None, _shape(t), []])
    for op in obj.operations:
        if isinstance(op, keras.layers.InputLayer):
            continue
        try:
            call = _call(op, producer)
        except (AttributeError, ValueError):  # "has multiple inbound nodes": a shared layer
            return GraphFacts(error=str(op.name))
        if call is None:
            return GraphFacts(error=str(op.name))
        ins, outs = call
        if any(id(t) not in producer for t in ins):  # made by a second call of a shared layer
            return GraphFacts(error=SHARED)
        inbound = list(dict.fromkeys(find(producer[id(t)]) for t in ins if id(t) in producer))
        shape = _shape(outs[0]) if outs else None
        if isinstance(op, keras.layers.Layer):
            node_id = len(raw)
            raw.append(["model" if isinstance(op, keras.Model) else "layer", inbound, op, shape, []])
        else:  # a plain operation: joins (and merges) the ops nodes it reads from, or starts one
            groups = [i for i in inbound if raw[i][0] == "ops"]
            node_id = groups[0] if groups else len(raw)
            if not groups:
                raw.append(["ops", [], None, None, []])
            for other in groups[1:]:
                root[other] = node_id
                raw[node_id][1] += raw[other][1]
                raw[node_id][4] += raw[other][4]
            raw[node_id][1] += [i for i in inbound if i not in groups]
            raw[node_id][3] = shape
            raw[node_id][4].append(type(op).__name__)
        for t in outs:
            producer[id(t)] = node_id
    if any(id(t) not in producer for t in outputs):  # made by a second call of a layer (Keras lists it once)
        return GraphFacts(error=SHARED)
    live = [i for i in range(len(raw)) if find(i) == i]
    number = {i: k for k, i in enumerate(live)}
    nodes: list[GraphNode] = []
    for i in live:
        kind, raw_inbound, layer, shape, ops = raw[i]
        ids = tuple(dict.fromkeys(number[find(j)] for j in raw_inbound if find(j) != i))
        if kind == "ops":
            nodes.append(GraphNode(len(nodes), "ops", ids, shape=shape, ops=tuple(sorted(ops))))
        else:
            nodes.append(_node(kind, len(nodes), ids, layer, index.get(id(layer), 0), shape))
    return GraphFacts(tuple(nodes), tuple(range(len(inputs))), tuple(number[find(producer[id(t)])] for t in outputs))
