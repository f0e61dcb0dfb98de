"""Models inside models: facts recurse into a VGG16 base; freeze checks (feature extraction, fine-tuning and
the logbook's `conv_base.layers[-4:]` bug)."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.core.problem import evaluate  # noqa: E402
from learnkit.keras import (Dense, Flatten, KerasFreezeProblem, NestedModel, first_difference,  # noqa: E402
                            freeze_difference, model_facts)
from learnkit.keras.freeze import nested_models  # noqa: E402

SHAPE = (32, 32, 3)
TAIL = "block5_conv1, block5_conv2, block5_conv3, block5_pool"


@pytest.fixture(scope="module")
def conv_base():
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=SHAPE)


def freeze(base, *, all_frozen=False, frozen=()):
    """Set every flag explicitly (Keras keeps sublayer flags when `base.trainable = True` changes nothing)."""
    base.trainable = not all_frozen
    for layer in base.layers:
        layer.trainable = not all_frozen and layer not in frozen
    return base


def functional(base):  # the logbook's model: preprocess_input between the input and the base (not a chain)
    inp = keras.Input(SHAPE)
    x = keras.applications.vgg16.preprocess_input(inp)
    x = L.Flatten()(base(x))
    return keras.Model(inp, L.Dense(1, activation="sigmoid")(L.Dense(8, activation="relu")(x)))


def sequential(base):
    return keras.Sequential([keras.Input(SHAPE), base, L.Flatten(), L.Dense(8, activation="relu"),
                             L.Dense(1, activation="sigmoid")])


HEAD = [Flatten(), Dense(8, "relu"), Dense(1, "sigmoid")]


def test_facts_recurse_into_the_base(conv_base):
    freeze(conv_base, all_frozen=True)
    f = model_facts(functional(conv_base))
    assert not f.is_chain
    assert [x.short() for x in f.layers] == ["vgg16 (Functional)", "Flatten", "Dense(8, relu)", "Dense(1, sigmoid)"]
    base = f.layers[0]
    assert base.model is not None and base.model.name == "vgg16" and not base.trainable
    assert [x.params for x in base.model.layers[:4]] == [1792, 36928, 0, 73856]
    assert base.output_shape == (1, 1, 512) and base.params == 14_714_688 and base.trainable_params == 0
    assert f.trainable_params == 512 * 8 + 8 + 9 and f.non_trainable_params == 14_714_688
    assert [x.name for x in nested_models(f)] == ["vgg16"]


def test_feature_extraction_spec(conv_base):
    spec = [NestedModel("vgg16", trainable=False)] + HEAD
    assert first_difference(sequential(freeze(conv_base, all_frozen=True)), spec, input_shape=SHAPE) is None
    # equivalent: every layer frozen one by one
    assert first_difference(sequential(freeze(conv_base, frozen=conv_base.layers)), spec) is None
    msg = first_difference(sequential(freeze(conv_base)), spec)
    assert msg == ("vgg16 should be frozen (`conv_base.trainable = False`, before compiling); 13 of its layers "
                   "train: block1_conv1, block1_conv2, block2_conv1, …, block5_conv3.")
    assert first_difference(sequential(conv_base), [NestedModel("resnet50")] + HEAD) == \
        "Layer 1 should be the resnet50 model; yours is vgg16 (Functional)."
    assert first_difference(sequential(conv_base), [Flatten()] + HEAD) == \
        "Layer 1 should be Flatten; yours is vgg16 (Functional)."
    assert first_difference(functional(conv_base), [NestedModel("vgg16")] + HEAD).startswith(
        "Your model is not a simple stack of layers")  # graphs that are not chains: another check


def test_fine_tuning_right_answers(conv_base):
    freeze(conv_base, frozen=conv_base.layers[:-4])  # DLwP: freeze all but the last four
    for var, value in (("conv_base", conv_base), ("model", functional(conv_base))):
        p = KerasFreezeProblem(var=var, trainable_last=4)
        assert evaluate(p, {var: value}, question="q_1").status.value == "correct"
    freeze(conv_base, frozen=conv_base.layers[:-5])  # block4_pool has no weights: the same model
    assert freeze_difference(model_facts(conv_base), trainable_last=4) is None
    freeze(conv_base, frozen=conv_base.layers[:-4] + [conv_base.layers[-1]])  # block5_pool frozen too
    assert freeze_difference(model_facts(conv_base), trainable_last=4) is None
    assert first_difference(sequential(conv_base), [NestedModel("vgg16", trainable_last=4)] + HEAD) is None


def test_fine_tuning_the_logbook_bug(conv_base):
    freeze(conv_base, frozen=conv_base.layers[-4:])  # the seed: `for layer in conv_base.layers[-4:]`
    r = evaluate(KerasFreezeProblem(var="model", trainable_last=4), {"model": functional(conv_base)}, question="q_1")
    assert (r.status.value, r.message) == ("incorrect", (
        f"In vgg16, the last 4 layers ({TAIL}) are frozen and the other layers train: "
        "`for layer in conv_base.layers[-4:]: layer.trainable = False` freezes the last 4 and trains the rest, "
        "the opposite of fine-tuning. Freeze all but the last 4: "
        "`for layer in conv_base.layers[:-4]: layer.trainable = False`."))


def test_fine_tuning_other_wrong_answers(conv_base):
    def check(**kw):
        return freeze_difference(model_facts(freeze(conv_base, **kw)), trainable_last=4)
    assert check(all_frozen=True) == (
        f"All 18 layers of vgg16 are frozen; for fine-tuning its last 4 layers ({TAIL}) should train: set "
        "`conv_base.trainable = True`, then `for layer in conv_base.layers[:-4]: layer.trainable = False`.")
    assert check() == (f"All layers of vgg16 train; fine-tuning freezes all but the last 4 ({TAIL}): "
                       "`for layer in conv_base.layers[:-4]: layer.trainable = False`.")
    assert check(frozen=conv_base.layers[:-3]) == (
        f"The last 3 layers of vgg16 train; the question asks for the last 4 ({TAIL}): "
        "`for layer in conv_base.layers[:-4]: layer.trainable = False`.")
    assert check(frozen=conv_base.layers[:-4] + [conv_base.layers[-3]]) == (
        f"In vgg16, these layers should train but are frozen: block5_conv2 (the last 4: {TAIL}).")
    p = KerasFreezeProblem(var="model", base="resnet50", trainable_last=4)
    r = evaluate(p, {"model": functional(conv_base)}, question="q_1")
    assert r.message == "`model` has no resnet50 inside; the question freezes layers of resnet50."
