"""Graph facts and specs, and learning-rate schedule facts, under KERAS_BACKEND=jax (one subprocess: the backend
is fixed when keras is first imported, and this test process uses TensorFlow). preprocess_input must trace to the
same operations on both backends."""
import textwrap

import pytest
from jax_subprocess import run_under_jax

SCRIPT = textwrap.dedent('''
    import json, warnings
    warnings.simplefilter("ignore")
    import keras
    from keras import layers as L
    from keras.optimizers import schedules as S
    from learnkit.keras.graph import Function, Graph, Input, Node, Submodel, graph_difference, graph_facts
    from learnkit.keras.schedules import ScheduleSpec, schedule_difference, schedule_facts
    from learnkit.keras.spec import Dense, Layer

    PRE = keras.applications.vgg16.preprocess_input
    CONV = Layer("Conv2D", filters=3, kernel_size=(3, 3), padding="same")
    RESIDUAL = Graph(Input((8, 8, 3)), Node("pre", Function(PRE)), Node("c1", CONV), Node("c2", CONV),
                     Node("add", "Add", "c2", "pre"), Node("base", Submodel(name="base", trainable=False)),
                     Node("flat", "Flatten"), Node("out", Dense(1, "sigmoid")))

    def build(skip_from_pre=True):
        base = keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(2, 3)], name="base")
        base.trainable = False
        inp = keras.Input((8, 8, 3))
        x = PRE(inp)
        c1 = L.Conv2D(3, 3, padding="same")(x)
        c2 = L.Conv2D(3, 3, padding="same")(c1)
        x = L.Add()([x if skip_from_pre else c1, c2])
        return keras.Model(inp, L.Dense(1, activation="sigmoid")(L.Flatten()(base(x))))

    out = {"backend": keras.backend.backend()}
    g = graph_facts(build())
    out["kinds"] = [n.kind for n in g.nodes]
    out["ops"] = list(g.nodes[1].ops)
    out["right"] = graph_difference(build(), RESIDUAL)
    out["wrong"] = graph_difference(build(False), RESIDUAL)
    spec = ScheduleSpec.like("InverseTimeDecay", [0, 20000, 40000], initial_learning_rate=0.001,
                             decay_steps=20000, decay_rate=1)
    m = keras.Sequential([keras.Input((2,)), L.Dense(1)])
    m.compile(optimizer=keras.optimizers.Adam(S.InverseTimeDecay(0.001, 40000, 2)), loss="mse")
    f = schedule_facts(m)
    out["schedule"] = [f.cls, f.value_at(20000), schedule_difference(f, spec)]
    m.compile(optimizer=keras.optimizers.Adam(S.InverseTimeDecay(0.001, 20000, 0.5)), loss="mse")
    out["schedule_wrong"] = schedule_difference(schedule_facts(m), spec)
    print("JSON:" + json.dumps(out))
''')

pytestmark = pytest.mark.jax


@pytest.fixture(scope="module")
def jax_run():
    return run_under_jax(SCRIPT)


def test_graph_and_schedule_facts_under_jax(jax_run):
    assert jax_run["backend"] == "jax"
    assert jax_run["kinds"] == ["input", "ops", "layer", "layer", "layer", "model", "layer", "layer"]
    assert jax_run["ops"] == ["Add", "GetItem", "GetItem", "GetItem", "Stack"]  # as under TensorFlow
    assert jax_run["right"] is None
    assert jax_run["wrong"].startswith("The Add layer should add the output of your operations")
    assert jax_run["wrong"].endswith("; yours adds the outputs of the two Conv2D layers.")
    assert jax_run["schedule"] == ["InverseTimeDecay", pytest.approx(0.0005), None]
    assert jax_run["schedule_wrong"] == "At step 10,000 your learning rate is 0.0008; expected 0.00067."
