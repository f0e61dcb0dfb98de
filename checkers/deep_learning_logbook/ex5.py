"""Exercise 5 of the deep learning logbook: a character-level recurrent language model on *The Time
Machine* (logbook week 10, LB-W10-B; d2l §8.3–§10.2, PyTorch in the seed, Keras 3 here). Tokens and
vocabulary, (inputs, targets) sequences, SimpleRNN / GRU / LSTM models, perplexity, and greedy
generation from a prefix."""
import string

import numpy as np

from learnkit.core import Code, CodingProblem, EqualityProblem, Exercise, FunctionProblem, Incorrect, Unattempted
from learnkit.keras import Dense, Embedding, GRU, KerasModelProblem, LSTM, SimpleRNN
from learnkit.keras.facts import model_facts
from learnkit.numeric.language_model import (generation_difference, perplexity_band_difference, perplexity_difference,
                                             sequence_pairs, sequences_difference)

VOCAB_SIZE = 28  # d2l's character vocabulary: <unk>, space and 26 letters
CORPUS_LENGTH = 170_580
NUM_STEPS = 35
UNITS = 64
EMBEDDING = 32
RNNS = {"rnn": ("rnn_model", SimpleRNN), "gru": ("gru_model", GRU), "lstm": ("lstm_model", LSTM)}
#: validation perplexity after the notebook's light run (20,000 training characters, 2 epochs, Adam(0.01),
#: batch 32, 64 units): measured on TensorFlow (seeds 0, 1, 2, 123) 9.3–10.6 and JAX (seeds 0, 1, 123)
#: 10.2–13.0; see docs/courses/deep_learning_logbook.md. The seed's 500 GPU epochs give 1.0–1.3.
BANDS = {"rnn": (8.5, 12.0), "gru": (8.5, 12.0), "lstm": (8.5, 14.0)}
PREFIX, N_NEW = "time traveller ", 50
ALPHABET = set(string.ascii_lowercase + " ")


def tokenize(lines):
    return [list(line) for line in lines]


q1 = FunctionProblem(
    prompt="Tokenize into characters",
    var="tokenize",
    reference=tokenize,
    cases=[(["the time machine by h g wells", "", "i"],), (["twinkled and his usually pale face"],),
           (["ab", "c d"],)],
    mistakes=[(lambda lines: [line.split() for line in lines],
               "That splits each line into **words** (d2l's `token='word'`); this lesson's model reads characters: "
               "`list(line)`."),
              (lambda lines: [ch for line in lines for ch in line],
               "That is one flat list of characters; `tokenize` returns one list of tokens **per line**."),
              (lambda lines: [list(line.replace(" ", "")) for line in lines],
               "The spaces are dropped: a space is a token too (the model must learn where words end)."),
              (lambda lines: list(lines),
               "That returns the lines themselves (strings); return a list of characters for each line.")],
    success="Correct! One list of characters per line; an empty line gives an empty list.",
    hints=["A Python string is a sequence of characters: `list('the')` is `['t', 'h', 'e']`.",
           "`return [list(line) for line in lines]`."],
    solution=Code("""
def tokenize(lines):
    return [list(line) for line in lines]
"""),
)

q2 = EqualityProblem(
    prompt="The size of the vocabulary and of the corpus",
    expected={"vocab_size": VOCAB_SIZE, "corpus_length": CORPUS_LENGTH},
    mistakes={"vocab_size": [
        (27, "27 leaves out the `<unk>` token: d2l's vocabulary keeps index 0 for unknown tokens, so `len(vocab)`."),
        (4580, "4,580 is the **word** vocabulary of the logbook; this corpus is made of characters."),
        (45800, "45,800 is the logbook's prose, a typo for its printed word vocabulary of 4,580 (seed error G.24); "
                "the character vocabulary is much smaller: `len(vocab)`."),
    ], "corpus_length": [
        (3221, "3,221 is the number of lines; the corpus is every character of every line: `len(corpus)`."),
        (32775, "32,775 is the number of word tokens; the corpus here is made of characters: `len(corpus)`."),
    ]},
    success="Correct! 170,580 characters written with 28 tokens: `<unk>`, the space and 26 letters.",
    hints=["`vocab` is a list of tokens and `corpus` an array of their indices: their lengths."],
    solution=Code("vocab_size = len(vocab)\ncorpus_length = len(corpus)"),
)


def _sequence_cases():
    return [(np.arange(100, 200), 5), (np.arange(70), 7), (np.arange(72), 7), (np.arange(10, 46), 35)]


q3 = FunctionProblem(
    prompt="Inputs and targets",
    var="make_sequences",
    reference=sequence_pairs,
    cases=_sequence_cases,
    compare=sequences_difference,
    success="Correct! Non-overlapping sequences of `num_steps` tokens, each target the next token.",
    hints=["`n = (len(corpus) - 1) // num_steps` sequences: the last token has no next token to predict.",
           "`inputs = corpus[:n * num_steps].reshape(n, num_steps)`; the targets are the same slice one token "
           "later, `corpus[1:n * num_steps + 1]`, reshaped the same way."],
    solution=Code("""
def make_sequences(corpus, num_steps):
    n = (len(corpus) - 1) // num_steps
    inputs = corpus[:n * num_steps].reshape(n, num_steps)
    targets = corpus[1:n * num_steps + 1].reshape(n, num_steps)
    return inputs, targets
"""),
)


def _model_problem(var, cell):
    return KerasModelProblem(var=var, layers=[Embedding(VOCAB_SIZE, EMBEDDING), cell(UNITS, return_sequences=True),
                                              Dense(VOCAB_SIZE, "linear")])


MODELS = {key: _model_problem(var, cell) for key, (var, cell) in RNNS.items()}


def _output_activation(model):
    layers = model_facts(model).layers
    return layers[-1].activation if layers else None


def check_models(rnn_model, gru_model, lstm_model):
    for key, model in zip(RNNS, (rnn_model, gru_model, lstm_model)):
        var = RNNS[key][0]
        try:
            MODELS[key].judge({var: model})
        except Incorrect as e:
            if "return_sequences" in str(e):
                raise Incorrect(f"`{var}`: the recurrent layer needs `return_sequences=True`: the model predicts the "
                                "next character at **every** step, so the Dense layer must see every step's "
                                "output, not only the last one.") from None
            if _output_activation(model) == "softmax":
                raise Incorrect(f"`{var}` ends with a softmax; leave the last Dense linear: the loss of question 6 "
                                "takes logits (`from_logits=True`).") from None
            raise Incorrect(f"`{var}`: {e}") from None
    return ("Correct! Three language models: the same embedding and output, a SimpleRNN, a GRU and an LSTM in "
            "between.")


q4 = CodingProblem(
    prompt="Three recurrent models",
    vars=["rnn_model", "gru_model", "lstm_model"],
    check=check_models,
    hints=["`keras.Sequential([keras.Input(shape=(None,)), layers.Embedding(vocab_size, 32), "
           "layers.SimpleRNN(64, return_sequences=True), layers.Dense(vocab_size)])`.",
           "The same with `layers.GRU(64, return_sequences=True)` and `layers.LSTM(64, return_sequences=True)`."],
    solution=Code("""
def language_model(recurrent_layer):
    return keras.Sequential([
        keras.Input(shape=(None,)),
        layers.Embedding(vocab_size, 32),
        recurrent_layer,
        layers.Dense(vocab_size),
    ])

rnn_model = language_model(layers.SimpleRNN(64, return_sequences=True))
gru_model = language_model(layers.GRU(64, return_sequences=True))
lstm_model = language_model(layers.LSTM(64, return_sequences=True))
"""),
)

q5 = FunctionProblem(
    prompt="Perplexity",
    var="perplexity",
    reference=lambda loss: float(np.exp(loss)),
    cases=[(0.0,), (1.0,), (2.3026,), (float(np.log(28)),), (0.25,)],
    rtol=1e-6,
    mistakes=[(lambda loss: 2.0 ** loss, "That is 2 ** loss, the perplexity of a cross-entropy in bits; Keras's "
                                         "cross-entropy uses the natural logarithm: `np.exp(loss)`."),
              (lambda loss: 10.0 ** loss, "That is 10 ** loss; the cross-entropy uses the natural logarithm: "
                                          "`np.exp(loss)`."),
              (lambda loss: float(np.exp(-loss)), "That is exp(-loss), at most 1; the perplexity is exp(+loss), "
                                                  "at least 1."),
              (lambda loss: loss, "That returns the loss itself; the perplexity is its exponential.")],
    success="Correct! A perplexity of k means the model is as unsure as a fair choice among k tokens.",
    hints=["The perplexity is the exponential of the mean cross-entropy (in nats, as Keras computes it).",
           "`return np.exp(loss)` (or `math.exp(loss)`)."],
    solution=Code("""
def perplexity(loss):
    return np.exp(loss)
"""),
)


def check_training(val_loss, val_perplexity):
    if not isinstance(val_loss, dict) or not isinstance(val_perplexity, dict):
        raise Incorrect("`val_loss` and `val_perplexity` should be dictionaries: `val_loss['rnn'] = ...`.")
    if not val_loss and not val_perplexity:
        raise Unattempted("`val_loss` is still empty: write the loop over the three models and run the cell.")
    for key in RNNS:
        if key not in val_loss or key not in val_perplexity:
            have = ", ".join(repr(k) for k in val_loss) or "none"
            raise Incorrect(f"`val_loss` and `val_perplexity` need the keys 'rnn', 'gru' and 'lstm' (one per "
                            f"model); `val_loss` has {have}.")
        why = perplexity_difference(val_loss[key], val_perplexity[key], name=f"val_perplexity[{key!r}]")
        if why:
            raise Incorrect(why)
    for key in RNNS:
        why = perplexity_band_difference(val_perplexity[key], BANDS[key], f"`{RNNS[key][0]}`")
        if why:
            raise Incorrect(why)
    shown = ", ".join(f"{k} {float(val_perplexity[k]):.1f}" for k in RNNS)
    return (f"Correct! Validation perplexities: {shown}. All three already use context (a letter-frequency guess "
            "gives about 17); after 2 epochs on 20,000 characters which cell wins is down to the seed.")


q6 = CodingProblem(
    prompt="Train the three models and compare their perplexities",
    vars=["val_loss", "val_perplexity"],
    check=check_training,
    hints=["For each `name, model` in `models.items()`: compile as shown, `model.fit(X_train, Y_train, epochs=2, "
           "batch_size=32, verbose=0)`, then `val_loss[name] = model.evaluate(X_val, Y_val, verbose=0)`.",
           "`val_perplexity[name] = perplexity(val_loss[name])`, with your function of question 5."],
    solution=Code("""
for name, model in models.items():
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X_train, Y_train, epochs=2, batch_size=32, verbose=0)
    val_loss[name] = model.evaluate(X_val, Y_val, verbose=0)
    val_perplexity[name] = perplexity(val_loss[name])
"""),
)


def check_generated(generated):
    if generated == PREFIX:
        raise Unattempted("`predict` returns the prefix only: write the loop that appends the new characters, then "
                          "run the cell.")
    why = generation_difference(generated, PREFIX, N_NEW, ALPHABET)
    if why:
        raise Incorrect(why)
    return (f"Correct! {len(generated)} characters starting with {PREFIX!r}. Greedy decoding of a lightly trained "
            "model soon repeats itself; the seed's 500 GPU epochs wrote whole sentences.")


q7 = CodingProblem(
    prompt="Generate text from a prefix",
    vars=["generated"],
    check=check_generated,
    hints=["Start from `ids = [char_to_idx[ch] for ch in prefix]`; at each step call the model on `np.array([ids])` "
           "and append the index with the highest score at the **last** step: `int(np.argmax(logits[0, -1]))`.",
           "At the end map every index back to its character: `''.join(vocab[i] for i in ids)`."],
    solution=Code("""
def predict(prefix, n, model=gru_model):
    ids = [char_to_idx[ch] for ch in prefix]
    for _ in range(n):
        logits = model(np.array([ids]))
        ids.append(int(np.argmax(logits[0, -1])))
    return ''.join(vocab[i] for i in ids)

generated = predict('time traveller ', 50)
"""),
)

exercise = Exercise("deep_learning_logbook.ex5", "A character-level recurrent language model",
                    [q1, q2, q3, q4, q5, q6, q7], preload=("keras",), datasets=("timemachine",))
exercise.export(globals())
