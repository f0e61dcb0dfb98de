"""Sequence models (Embedding, SimpleRNN/LSTM/GRU, Bidirectional) and weight regularizers in layer specs."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402
from keras import regularizers  # noqa: E402

from learnkit.keras import (GRU, L1, L2, LSTM, NO_REGULARIZER, Bidirectional, Dense, Embedding,  # noqa: E402
                            SimpleRNN, first_difference, model_facts)
from learnkit.keras.regularizers import L1L2, regularizer_name  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")

IMDB = [Embedding(1000, 8), Bidirectional(LSTM(4, return_sequences=True)), GRU(4), Dense(1, "sigmoid")]


def seq(*layers, shape=(10,)):
    return keras.Sequential([keras.Input(shape, dtype="int32"), *layers])


def imdb(rnn=None, gru=None, emb=None):
    return seq(emb or L.Embedding(1000, 8), rnn or L.Bidirectional(L.LSTM(4, return_sequences=True)),
               gru or L.GRU(4), L.Dense(1, activation="sigmoid"))


# ---------------------------------------------------------------- sequence models
def test_rnn_facts_and_reference_counts():
    f = model_facts(imdb())
    assert [x.params for x in f.layers] == [8000, 2 * 4 * (4 * 12 + 4), 3 * (4 * 12 + 8), 5]
    assert [x.output_shape for x in f.layers] == [(10, 8), (10, 8), (4,), (1,)]
    assert [x.short() for x in f.layers[:3]] == ["Embedding(1000, 8)", "Bidirectional(LSTM(4))", "GRU(4)"]
    assert first_difference(imdb(), IMDB, input_shape=(10,)) is None
    from learnkit.keras.spec import reference_params
    assert reference_params(f.layers, IMDB, (10,)) == [x.params for x in f.layers]


def test_rnn_spellings():
    rnn = L.Bidirectional(L.LSTM(units=4, activation="tanh", return_sequences=True), merge_mode="concat")
    assert first_difference(imdb(rnn=rnn, gru=L.GRU(4, activation=keras.activations.tanh)), IMDB, (10,)) is None
    m = seq(L.Embedding(50, 4), L.SimpleRNN(3, dropout=0.2, recurrent_dropout=0.1), L.Dense(1))
    assert first_difference(m, [Embedding(50, 4), SimpleRNN(3, dropout=0.2, recurrent_dropout=0.1), Dense(1)],
                            input_shape=(10,)) is None
    assert first_difference(m, [Embedding(50, 4), SimpleRNN(3), Dense(1)]) is None  # dropout not asked: any


def test_rnn_wrong_answers():
    m = seq(L.Embedding(1000, 8), L.Bidirectional(L.LSTM(4)))
    assert first_difference(m, IMDB[:2]) == (
        "Layer 2 (LSTM(4)) should return the whole sequence (return_sequences=True): the next layer needs its "
        "output at every time step.")
    assert first_difference(imdb(gru=L.GRU(4, return_sequences=True)), IMDB) == \
        "Layer 3 (GRU(4)) should return only its last output: leave out return_sequences=True."
    assert first_difference(imdb(rnn=L.Bidirectional(L.GRU(4, return_sequences=True))), IMDB) == \
        "Layer 2 (Bidirectional) wraps GRU(4); the question asks for LSTM(4, return_sequences=True)."
    assert first_difference(imdb(rnn=L.LSTM(4, return_sequences=True)), IMDB) == \
        "Layer 2 should be Bidirectional(LSTM(4, return_sequences=True)); yours is LSTM(4)."
    assert first_difference(imdb(emb=L.Embedding(1000, 16)), IMDB) == \
        "Layer 1 (Embedding) has output_dim 16; the question asks for 8."
    assert first_difference(imdb(gru=L.GRU(8)), IMDB) == "Layer 3 should be GRU with 4 units; yours has 8 units."
    rnn = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="sum")
    assert first_difference(imdb(rnn=rnn), IMDB) == \
        "Layer 2 (Bidirectional) has merge_mode 'sum'; the question asks for 'concat'."
    m = seq(L.Embedding(50, 4), L.SimpleRNN(3, dropout=0.5), L.Dense(1))
    assert first_difference(m, [Embedding(50, 4), SimpleRNN(3, dropout=0.2), Dense(1)]) == \
        "Layer 2 (SimpleRNN) has dropout 0.5; the question asks for 0.2."


# ---------------------------------------------------------------- regularizers (logbook W6-7: L2 0.002 on the hidden layers)
REG = [Dense(16, "relu", kernel_regularizer=L2(0.002))] * 2 + [Dense(1, "sigmoid", kernel_regularizer=NO_REGULARIZER)]


def reg_model(first=regularizers.l2(0.002), second=regularizers.l2(0.002), out=None):
    return keras.Sequential([keras.Input((20,)), L.Dense(16, kernel_regularizer=first, activation="relu"),
                             L.Dense(16, kernel_regularizer=second, activation="relu"),
                             L.Dense(1, activation="sigmoid", kernel_regularizer=out)])


def test_regularizer_spellings():
    assert regularizer_name(regularizers.l2(0.002)) == regularizer_name(regularizers.L2(0.002)) == "L2(0.002)"
    assert regularizer_name(regularizers.L1L2(l2=0.002)) == L1L2(l2=0.002) == L2(0.002) == "L2(0.002)"
    assert regularizer_name("l2") == L2() == "L2(0.01)" and regularizer_name(None) == NO_REGULARIZER
    assert regularizer_name({"class_name": "L1", "config": {"l1": 0.001}}) == L1(0.001)
    for spelling in (regularizers.l2(0.002), regularizers.L2(l2=0.002), regularizers.L1L2(l1=0, l2=0.002)):
        assert first_difference(reg_model(spelling, spelling), REG, input_shape=(20,)) is None
    spec = [Dense(16, "relu", kernel_regularizer=regularizers.l2(0.002))] * 2 + [Dense(1)]
    assert first_difference(reg_model(), spec) is None  # a Keras regularizer in the spec; output layer: any
    assert model_facts(reg_model()).layers[0].config["kernel_regularizer"] == "L2(0.002)"


def test_regularizer_wrong_answers():
    assert first_difference(reg_model(second=None), REG) == \
        "Layer 2 (Dense(16, relu)) has no kernel regularizer; the question asks for L2(0.002)."
    assert first_difference(reg_model(first=regularizers.l2(0.01)), REG) == \
        "Layer 1 (Dense(16, relu)) has the kernel regularizer L2(0.01); the question asks for L2(0.002)."
    assert first_difference(reg_model(first=regularizers.l1(0.002)), REG) == \
        "Layer 1 (Dense(16, relu)) has the kernel regularizer L1(0.002); the question asks for L2(0.002)."
    assert first_difference(reg_model(out=regularizers.l2(0.002)), REG) == (
        "Layer 3 (Dense(1, sigmoid)) is the output layer: it should have no kernel regularizer; yours has "
        "L2(0.002). The question regularizes the hidden layers only.")
    m = keras.Sequential([keras.Input((20,)), L.Dense(16, activation="relu", bias_regularizer="l2"), L.Dense(1)])
    assert first_difference(m, [Dense(16, "relu", bias_regularizer=NO_REGULARIZER), Dense(1)]) == \
        "Layer 1 (Dense(16, relu)) should have no bias regularizer; yours has L2(0.01)."
