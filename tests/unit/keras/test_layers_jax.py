"""Convnet, RNN, regularizer and nested-model facts and checks under KERAS_BACKEND=jax (one subprocess)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent('''
    import json, warnings
    warnings.simplefilter("ignore")
    import keras
    from keras import layers as L, regularizers
    from learnkit.core.problem import evaluate
    from learnkit.keras import (GRU, L2, LSTM, NO_REGULARIZER, Bidirectional, Conv2D, Dense, Embedding, Flatten,
                                KerasFreezeProblem, MaxPooling2D, first_difference, model_facts)

    out = {"backend": keras.backend.backend()}
    conv = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(64, (3, 3), activation="relu"), L.Flatten(),
                             L.Dense(10, activation="softmax", kernel_regularizer=regularizers.l2(0.002))])
    f = model_facts(conv)
    out["conv"] = [f.params, [list(x.output_shape) for x in f.layers]]
    spec = [Conv2D(32, 3, "relu"), MaxPooling2D(2), Conv2D(64, 3, "relu"), Flatten(),
            Dense(10, "softmax", kernel_regularizer=L2(0.002))]
    out["conv_ok"] = first_difference(conv, spec, input_shape=(28, 28, 1), params=f.params)
    spec[0] = Conv2D(32, 5, "relu")
    out["conv_kernel"] = first_difference(conv, spec)
    spec[0], spec[-1] = Conv2D(32, 3, "relu"), Dense(10, "softmax", kernel_regularizer=NO_REGULARIZER)
    out["reg"] = first_difference(conv, spec)

    rnn = keras.Sequential([keras.Input((10,), dtype="int32"), L.Embedding(100, 4),
                            L.Bidirectional(L.LSTM(3, return_sequences=True)), L.GRU(2), L.Dense(1)])
    rnn_spec = [Embedding(100, 4), Bidirectional(LSTM(3, return_sequences=True)), GRU(2), Dense(1)]
    out["rnn"] = [[x.params for x in model_facts(rnn).layers], first_difference(rnn, rnn_spec, input_shape=(10,))]

    x = inp = keras.Input((8, 8, 3))  # a small stand-in for VGG16 (whose weights take seconds to make under JAX)
    for i in range(5):
        x = L.Conv2D(2, 3, padding="same", name=f"conv{i}")(x)
    base = keras.Model(inp, x, name="base")
    base.trainable = True
    for layer in base.layers[-2:]:
        layer.trainable = False
    inp = keras.Input((8, 8, 3))
    model = keras.Model(inp, L.Dense(1)(L.Flatten()(base(keras.ops.multiply(inp, 2.0)))))
    nested = model_facts(model).layers[0]
    out["nested"] = [nested.short(), nested.params, nested.model.layers[-2].trainable_params]
    r = evaluate(KerasFreezeProblem(var="model", trainable_last=2), {"model": model}, question="q_1")
    out["freeze"] = [r.status.value, r.message]
    print("JSON:" + json.dumps(out))
''')


@pytest.mark.jax
def test_conv_rnn_regularizer_and_nested_facts_under_jax():
    try:
        import jax  # noqa: F401
    except Exception as e:  # pragma: no cover - depends on the environment
        pytest.skip(f"JAX is not installed or does not import ({type(e).__name__}: {e})")
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("JSON:"))[len("JSON:"):])
    assert out["backend"] == "jax"
    assert out["conv"] == [320 + 18_496 + 77_450, [[26, 26, 32], [13, 13, 32], [11, 11, 64], [7744], [10]]]
    assert out["conv_ok"] is None
    assert out["conv_kernel"] == "Layer 1 (Conv2D) has kernel_size (3, 3); the question asks for (5, 5)."
    assert out["reg"] == ("Layer 5 (Dense(10, softmax)) should have no kernel regularizer; yours has L2(0.002).")
    assert out["rnn"] == [[400, 2 * 4 * (3 * 7 + 3), 3 * (2 * 8 + 4), 3], None]
    assert out["nested"] == ["base (Functional)", (27 * 2 + 2) + 4 * (18 * 2 + 2), 0]
    assert out["freeze"] == ["incorrect", (
        "In base, the last 2 layers (conv3, conv4) are frozen and the other layers train: "
        "`for layer in conv_base.layers[-2:]: layer.trainable = False` freezes the last 2 and trains the rest, "
        "the opposite of fine-tuning. Freeze all but the last 2: "
        "`for layer in conv_base.layers[:-2]: layer.trainable = False`.")]
