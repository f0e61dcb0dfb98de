# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_logbook.ex5
# ---

# %% [markdown]
# # A character-level recurrent language model
#
# A language model predicts the next token from the ones before it. You will train three of them,
# one character at a time, on H. G. Wells's *The Time Machine*: a simple recurrent network (RNN), a
# GRU and an LSTM, measure them by their **perplexity**, and let one of them write text after the
# prefix "time traveller ".
#
# *This exercise follows week 10 of the deep learning logbook (after d2l.ai, chapters 8 to 10), in
# Keras 3 instead of PyTorch. The logbook trained 500 epochs on a GPU and reached perplexities of 1.0
# to 1.3; to keep the notebook quick you train 2 epochs on 20,000 characters, which gives about 10.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex5 import *

import numpy as np
import keras
from keras import layers
from learnkit import data

keras.utils.set_random_seed(123)  # fixed seeds, for results you can compare

# d2l's read_time_machine(): every line lower-cased, every run of non-letters made one space
lines = data.time_machine_lines()
print(len(lines), 'lines')
print(lines[0])
print(lines[10])

# %% [markdown]
# # 1) Characters as tokens
#
# The model reads **characters**. Write `tokenize(lines)`, which returns one list of tokens per
# line: `tokenize(['ab c'])` is `[['a', 'b', ' ', 'c']]`. Keep the spaces: they are tokens too.

# %%
def tokenize(lines):
    # BEGIN SOLUTION
    tokens = [list(line) for line in lines]
    # END SOLUTION
    return tokens

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = tokenize
def tokenize(lines):  # words, not characters
    return [line.split() for line in lines]
assert 'words' in q_1.assert_check_failed().message
def tokenize(lines):  # one flat list
    return [ch for line in lines for ch in line]
assert 'per line' in q_1.assert_check_failed().message
def tokenize(lines):  # spaces dropped
    return [list(line.replace(' ', '')) for line in lines]
assert 'space' in q_1.assert_check_failed().message
def tokenize(lines):  # the lines themselves
    return lines
q_1.assert_check_failed()
def tokenize(lines):  # a loop: fine
    out = []
    for line in lines:
        out.append([ch for ch in line])
    return out
q_1.assert_check_passed()
def tokenize(lines):  # d2l's own spelling
    return [list(line) for line in lines if True]
q_1.assert_check_passed()
tokenize = _keep

# %% [markdown]
# # 2) Vocabulary and corpus
#
# The next cell joins the characters of every line into one long list (`data.time_machine_chars()`
# gives the same as your `tokenize`, flattened), builds d2l's vocabulary — `<unk>` (index 0, for an
# unknown token), then the tokens from the most to the least frequent — and turns the text into
# the array of token indices `corpus`. Store the number of tokens in the vocabulary in `vocab_size`
# and the number of characters in the corpus in `corpus_length`.

# %%
chars = data.time_machine_chars()
vocab = data.char_vocab(chars)
char_to_idx = {ch: i for i, ch in enumerate(vocab)}
corpus = np.array([char_to_idx[ch] for ch in chars])
print(vocab[:10])
print(corpus[:16], '->', ''.join(vocab[i] for i in corpus[:16]))

# BEGIN SOLUTION
vocab_size = len(vocab)
corpus_length = len(corpus)
# END SOLUTION

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
_keep = vocab_size, corpus_length
vocab_size = 45800
assert 'G.24' in q_2.assert_check_failed().message  # the logbook's prose
vocab_size = 4580
assert 'word' in q_2.assert_check_failed().message
vocab_size = 27
assert '<unk>' in q_2.assert_check_failed().message
vocab_size, corpus_length = 28, len(lines)
assert 'lines' in q_2.assert_check_failed().message
vocab_size, corpus_length = np.int64(28), np.int64(170580)
q_2.assert_check_passed()  # numpy integers
vocab_size, corpus_length = _keep

# %% [markdown]
# # 3) Inputs and targets
#
# The model learns from sequences of `num_steps = 35` characters; at every step its target is the
# **next** character. Write `make_sequences(corpus, num_steps)`, which cuts a corpus into
# `n = (len(corpus) - 1) // num_steps` sequences that do not overlap (sequence `i` holds tokens
# `i * num_steps` to `(i + 1) * num_steps - 1`) and returns two arrays of shape `(n, num_steps)`:
# `inputs`, and `targets`, the same tokens shifted by one. With the corpus `[0, 1, 2, …, 9]` and
# `num_steps = 3`, the inputs are `[[0, 1, 2], [3, 4, 5], [6, 7, 8]]` and the targets
# `[[1, 2, 3], [4, 5, 6], [7, 8, 9]]`.

# %%
num_steps = 35

def make_sequences(corpus, num_steps):
    n = (len(corpus) - 1) // num_steps
    # BEGIN SOLUTION
    inputs = corpus[:n * num_steps].reshape(n, num_steps)
    targets = corpus[1:n * num_steps + 1].reshape(n, num_steps)
    # END SOLUTION
    return inputs, targets

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
_keep = make_sequences
def make_sequences(corpus, num_steps):  # targets not shifted
    n = (len(corpus) - 1) // num_steps
    x = corpus[:n * num_steps].reshape(n, num_steps)
    return x, x.copy()
assert 'next' in q_3.assert_check_failed().message
def make_sequences(corpus, num_steps):  # shifted the wrong way
    n = (len(corpus) - 1) // num_steps
    return corpus[1:n * num_steps + 1].reshape(n, num_steps), corpus[:n * num_steps].reshape(n, num_steps)
assert 'swapped' in q_3.assert_check_failed().message
def make_sequences(corpus, num_steps):  # sliding windows: they overlap
    n = len(corpus) - num_steps
    return (np.array([corpus[i:i + num_steps] for i in range(n)]),
            np.array([corpus[i + 1:i + num_steps + 1] for i in range(n)]))
assert 'overlap' in q_3.assert_check_failed().message
def make_sequences(corpus, num_steps):  # transposed
    n = (len(corpus) - 1) // num_steps
    return corpus[:n * num_steps].reshape(num_steps, n), corpus[1:n * num_steps + 1].reshape(num_steps, n)
q_3.assert_check_failed()
def make_sequences(corpus, num_steps):  # len // num_steps: no target for the last token when it divides
    n = len(corpus) // num_steps
    return corpus[:n * num_steps].reshape(n, num_steps), corpus[1:n * num_steps + 1].reshape(n, num_steps)
q_3.assert_check_failed()
def make_sequences(corpus, num_steps):  # a loop over the starts: fine
    starts = range(0, len(corpus) - num_steps, num_steps)
    return (np.stack([corpus[s:s + num_steps] for s in starts]),
            np.stack([corpus[s + 1:s + num_steps + 1] for s in starts]))
q_3.assert_check_passed()
make_sequences = _keep

# %% [markdown]
# # 4) Three recurrent models
#
# Build three models that differ only in their recurrent layer. Each starts with
# `keras.Input(shape=(None,))` (sequences of any length), turns every token index into a vector of
# 32 numbers with `layers.Embedding(vocab_size, 32)` (d2l feeds one-hot vectors instead: an
# embedding is the same product of a one-hot vector and a weight matrix, done as a lookup), then a
# recurrent layer of 64 units, and ends with `layers.Dense(vocab_size)`: one score (a logit) for
# every token, **at every step**. Store a `layers.SimpleRNN` model in `rnn_model`, a `layers.GRU`
# model in `gru_model` and a `layers.LSTM` model in `lstm_model`.

# %%
keras.utils.set_random_seed(123)
# BEGIN SOLUTION
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
# END SOLUTION

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
_keep = rnn_model, gru_model, lstm_model
def _lm(cell, *, out=None, embed=32):
    return keras.Sequential([keras.Input(shape=(None,)), layers.Embedding(28, embed), cell,
                             out or layers.Dense(28)])
rnn_model = _lm(layers.SimpleRNN(64))
assert 'return_sequences=True' in q_4.assert_check_failed().message  # only the last step
rnn_model = _lm(layers.SimpleRNN(64, return_sequences=True), out=layers.Dense(28, activation='softmax'))
assert 'logits' in q_4.assert_check_failed().message
rnn_model = _lm(layers.SimpleRNN(64, return_sequences=True))
gru_model = _lm(layers.LSTM(64, return_sequences=True))
assert 'gru_model' in q_4.assert_check_failed().message  # an LSTM in gru_model
gru_model = _lm(layers.GRU(128, return_sequences=True))
q_4.assert_check_failed()  # 128 units
gru_model = _lm(layers.GRU(64, return_sequences=True))
lstm_model = _lm(layers.LSTM(64, return_sequences=True), embed=28)
q_4.assert_check_failed()  # an embedding of 28
lstm_model = _lm(layers.LSTM(64, return_sequences=True))
q_4.assert_check_passed()  # three separate Sequential models
_inp = keras.Input(shape=(None,))
_x = layers.LSTM(units=64, return_sequences=True)(layers.Embedding(input_dim=28, output_dim=32)(_inp))
lstm_model = keras.Model(_inp, layers.Dense(28, activation=None)(_x))
q_4.assert_check_passed()  # the functional API, keyword arguments
rnn_model, gru_model, lstm_model = _keep

# %% [markdown]
# # 5) Perplexity
#
# Keras's cross-entropy loss is the mean, over every predicted token, of `-log(p)` (natural
# logarithm), where `p` is the probability the model gave the right token. Its exponential, the
# **perplexity**, reads better: a model with perplexity `k` is as unsure as a fair choice among `k`
# tokens (1 is perfect; guessing uniformly among 28 tokens gives 28). Write `perplexity(loss)`,
# which returns the perplexity of a mean cross-entropy `loss`.

# %%
def perplexity(loss):
    # BEGIN SOLUTION
    result = np.exp(loss)
    # END SOLUTION
    return result

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
_keep = perplexity
perplexity = lambda loss: 2 ** loss
assert 'natural logarithm' in q_5.assert_check_failed().message
perplexity = lambda loss: loss
assert 'loss itself' in q_5.assert_check_failed().message
perplexity = lambda loss: np.exp(-loss)
assert 'exp(-loss)' in q_5.assert_check_failed().message
perplexity = lambda loss: np.exp(loss / 35)  # divided by num_steps: the loss is already a mean
q_5.assert_check_failed()
import math
perplexity = lambda loss: math.exp(loss)
q_5.assert_check_passed()
perplexity = lambda loss: np.e ** loss
q_5.assert_check_passed()
perplexity = _keep

# %% [markdown]
# # 6) Train the three models and compare them
#
# Cut the first 20,000 characters of the corpus into training sequences and the next 5,000 into
# validation sequences with your `make_sequences`. Then for each model: compile it with
# `keras.optimizers.Adam(0.01)` and `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`
# (the targets are token indices, the outputs logits), fit it for 2 epochs (`batch_size=32`,
# `verbose=0`), store its validation loss (`model.evaluate(X_val, Y_val, verbose=0)`) in
# `val_loss[name]` and its perplexity in `val_perplexity[name]`. (This takes a few seconds.)

# %%
train_corpus, val_corpus = corpus[:20000], corpus[20000:25000]
val_loss = {}
val_perplexity = {}
# EXERCISE: # Uncomment and complete:
# EXERCISE: # X_train, Y_train = make_sequences(train_corpus, num_steps)
# EXERCISE: # X_val, Y_val = make_sequences(val_corpus, num_steps)
# EXERCISE: # models = {'rnn': rnn_model, 'gru': gru_model, 'lstm': lstm_model}
# EXERCISE: # for name, model in models.items():
# EXERCISE: #     model.compile(optimizer=keras.optimizers.Adam(0.01),
# EXERCISE: #                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
# EXERCISE: #     ____  # fit for 2 epochs
# EXERCISE: #     val_loss[name] = ____
# EXERCISE: #     val_perplexity[name] = ____
# BEGIN SOLUTION
X_train, Y_train = make_sequences(train_corpus, num_steps)
X_val, Y_val = make_sequences(val_corpus, num_steps)
models = {'rnn': rnn_model, 'gru': gru_model, 'lstm': lstm_model}
for name, model in models.items():
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X_train, Y_train, epochs=2, batch_size=32, verbose=0)
    val_loss[name] = model.evaluate(X_val, Y_val, verbose=0)
    val_perplexity[name] = perplexity(val_loss[name])
# END SOLUTION
print({name: round(float(p), 2) for name, p in val_perplexity.items()})

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
assert all(8.5 <= val_perplexity[k] <= (14 if k == 'lstm' else 12) for k in val_perplexity), val_perplexity
_keep = dict(val_loss), dict(val_perplexity)
val_loss, val_perplexity = {}, {}
q_6.assert_check_unattempted()  # the starter's empty dictionaries
val_loss, val_perplexity = _keep[0], {k: 2 ** v for k, v in _keep[0].items()}
assert '2 ** loss' in q_6.assert_check_failed().message
val_loss = {k: [v, 0.3] for k, v in _keep[0].items()}
val_perplexity = {k: np.exp(v) for k, v in val_loss.items()}
assert '[loss, accuracy]' in q_6.assert_check_failed().message  # compiled with a metric
val_loss = {k: [v, 0.3] for k, v in _keep[0].items()}
val_perplexity = {k: np.exp(0.3) for k in val_loss}
assert '[loss, accuracy]' in q_6.assert_check_failed().message  # exp of the accuracy
val_loss, val_perplexity = {'rnn': _keep[0]['rnn']}, {'rnn': _keep[1]['rnn']}
assert "'gru'" in q_6.assert_check_failed().message  # one model only
val_loss = {k: float(np.log(27.5)) for k in _keep[0]}  # untrained models
val_perplexity = {k: 27.5 for k in val_loss}
assert 'about 17' in q_6.assert_check_failed().message
val_loss = {k: 0.2 for k in _keep[0]}  # far too good: evaluated on what it memorised
val_perplexity = {k: float(np.exp(0.2)) for k in val_loss}
assert 'lower than' in q_6.assert_check_failed().message
val_loss = {k: np.float32(v) for k, v in _keep[0].items()}
val_perplexity = {k: float(np.exp(v)) for k, v in val_loss.items()}
q_6.assert_check_passed()  # float32 losses, math on them
val_loss, val_perplexity = _keep

# %% [markdown]
# After 2 epochs the three cells are close, and which one is ahead depends on the seed: the LSTM,
# with the most gates to learn, usually starts slowest. The logbook's 500 GPU epochs put the GRU
# and the LSTM (1.0) ahead of the simple RNN (1.3): gates pay off once the model learns long-range
# structure, not in the first few hundred steps.
#
# # 7) Write some text
#
# Complete `predict(prefix, n)`, which lets `gru_model` continue `prefix` by `n` characters, one at
# a time: call the model on the indices so far (`model(np.array([ids]))` gives the logits of shape
# `(1, len(ids), vocab_size)`), append the index with the highest score **at the last step**
# (greedy decoding), and repeat. It returns the prefix followed by the `n` new characters.

# %%
def predict(prefix, n, model=gru_model):
    ids = [char_to_idx[ch] for ch in prefix]
    # EXERCISE:     # for each of the n new characters: the logits of model(np.array([ids])),
    # EXERCISE:     # then append the index of the highest logit at the last step to ids
    # BEGIN SOLUTION
    for _ in range(n):
        logits = model(np.array([ids]))
        ids.append(int(np.argmax(logits[0, -1])))
    # END SOLUTION
    return ''.join(vocab[i] for i in ids)

generated = predict('time traveller ', 50)
print(generated)

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
_keep = generated
generated = 'time traveller '
q_7.assert_check_unattempted()  # the starter returns the prefix only
generated = _keep[len('time traveller '):]
assert 'prefix' in q_7.assert_check_failed().message  # the new characters only
generated = list(_keep)
assert 'join' in q_7.assert_check_failed().message
generated = _keep[:-1]
assert '64' in q_7.assert_check_failed().message  # one character short
generated = 'time traveller <unk>' + _keep[20:]
assert '<unk>' in q_7.assert_check_failed().message
generated = 'time traveller ' + 'the time traveller, said the psychologist. 0123456'
q_7.assert_check_failed()  # characters outside the vocabulary
generated = 'time traveller ' + 'x' * 50
q_7.assert_check_passed()  # the content is not judged
generated = _keep

# %% [markdown]
# # The end
#
# A lightly trained model has learned frequent letters, spaces and short words; greedy decoding then
# falls into a loop ("the the the…"). The logbook's models, trained 500 epochs, wrote "time
# traveller you can show black is white by argument said filby".
#
# Your progress on this exercise:

# %%
progress()
