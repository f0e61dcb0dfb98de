"""Seconds ``learnkit.grading.similarity.flags`` takes on a synthetic class (goal: a few seconds).

Run: ``.venv/bin/python benchmarks/similarity.py [--students 300] [--cells 40] [--copies 10]``.
Each synthetic notebook has the starter's 40 code cells; every student writes their own answer
in 12 of them (random Keras models, training calls, NumPy functions with their own variable names
and choices) and edits a few starter cells a little (epochs, batch size). ``--copies`` students
copy another's notebook with renamed variables, reformatted code and new comments. Prints the
seconds taken, the number of flags and whether every copy was found. A second line does the same
for an ex5-like class: the real ex5 notebook, every student answering q_1 and q_3 with one of four
equally common spellings of the expected answer (no spelling is "most of the class" by itself).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import time

from learnkit.grading.similarity import Sub, flags, starter_cells

ACTS = ["relu", "elu", "selu", "tanh", "gelu", "swish"]
SIZES = [8, 16, 24, 32, 48, 64, 96, 128, 256, 384, 512, 1024]
WORDS = ["model", "net", "clf", "m", "nn_model", "my_model", "regressor", "x", "data", "w", "b", "grad",
         "lr", "hist", "out", "result", "acc", "scores", "z", "val", "tmp", "arr", "feat", "target"]


def starter(rng: random.Random, n: int) -> list[str]:
    cells = []
    for i in range(n):
        k = rng.randrange(3)
        if k == 0:
            cells.append(f"df{i} = pd.read_csv(data.path('set{i}'))\nX{i} = df{i}.drop('y', axis=1)\n"
                         f"y{i} = df{i}['y']\nprint(X{i}.shape, y{i}.mean())")
        elif k == 1:
            cells.append(f"history = model.fit(\n    X_train, y_train,\n    validation_data=(X_valid, y_valid),\n"
                         f"    batch_size={rng.choice([32, 64, 128])},\n    epochs={rng.choice([10, 50, 100])},\n"
                         f"    verbose=0,\n)\npd.DataFrame(history.history).loc[:, ['loss', 'val_loss']].plot()")
        else:
            cells.append(f"# Check your answer\nq_{i}.check()")
    return cells


def answer(rng: random.Random, i: int) -> str:
    name = rng.choice(WORDS) + rng.choice(["", "_", "2", str(i)])
    k = i % 3
    if k == 0:
        layers = [f"    layers.Dense({rng.choice(SIZES)}, activation='{rng.choice(ACTS)}'),"
                  for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.5:
            layers.insert(1, f"    layers.Dropout({rng.choice([0.1, 0.2, 0.25, 0.3, 0.5])}),")
        return (f"{name} = keras.Sequential([\n    layers.Input(shape=[{rng.randint(4, 30)}]),\n" + "\n".join(layers)
                + f"\n    layers.Dense(1),\n])\n{name}.compile(optimizer='{rng.choice(['adam', 'sgd', 'rmsprop'])}', "
                f"loss='{rng.choice(['mae', 'mse'])}')")
    if k == 1:
        a, b = rng.sample(WORDS, 2)
        return (f"def {name}_fn({a}, {b}={rng.choice([0.1, 0.5, 1.0, 2.0])}):\n"
                f"    {a} = np.asarray({a}, dtype=float)\n"
                f"    return {rng.choice(['np.maximum(0, ', 'np.tanh(', '1 / (1 + np.exp(-'])}{a} * {b})"
                f"{')' if rng.random() < 0.3 else ''}\n\nprint({name}_fn(np.linspace(-{rng.randint(1, 99)}, "
                f"{rng.randint(1, 99)}, {rng.randint(5, 500)})))")
    return (f"{name} = {rng.choice(['model', 'net'])}.fit(X_train, y_train, epochs={rng.randint(5, 200)}, "
            f"batch_size={rng.choice([16, 32, 64, 128, 256])}, validation_split={rng.choice([0.1, 0.2, 0.25])}, "
            f"callbacks=[keras.callbacks.EarlyStopping(patience={rng.randint(2, 20)}, min_delta={rng.choice([0.001, 0.0001])})])\n"
            f"print({name}.history['val_loss'][-1])")


def disguise(source: str, rng: random.Random) -> str:
    """Rename the variables, reformat and recomment (what a copier might do)."""
    out = source
    for w in sorted(WORDS, key=len, reverse=True):
        out = out.replace(f"{w} =", f"renamed_{w} =").replace(f"{w}.", f"renamed_{w}.").replace(f"({w}", f"(renamed_{w}")
    out = out.replace("'", '"').replace(", ", ",  ")
    return f"# my own solution {rng.random():.4f}\n" + out + "\n# done"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=300)
    ap.add_argument("--cells", type=int, default=40)
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(0)
    template = starter(rng, args.cells)
    answer_at = rng.sample(range(args.cells), 12)
    notebooks = {}
    for s in range(args.students):
        cells = list(template)
        for i in answer_at:
            cells[i] = answer(rng, i)
        for i in rng.sample(range(args.cells), 3):  # small edits to starter cells
            cells[i] = cells[i].replace("verbose=0", f"verbose={rng.randint(1, 2)}").replace("axis=1", "axis='columns'")
        notebooks[f"s{s:03d}"] = cells
    chosen = rng.sample(sorted(notebooks), 2 * args.copies)  # copiers and their sources, all different
    copied = set()
    for dst, src in zip(chosen[::2], chosen[1::2]):
        notebooks[dst] = [disguise(x, rng) if i in answer_at else x for i, x in enumerate(notebooks[src])]
        copied.add(tuple(sorted((dst, src))))
    subs = [Sub(k, tuple(v), hashlib.sha256("\n".join(v).encode()).hexdigest()) for k, v in notebooks.items()]
    t0 = time.perf_counter()
    found = flags(subs, template)
    dt = time.perf_counter() - t0
    pairs = {f.students for f in found}
    print(f"{len(subs)} submissions x {args.cells} cells: {dt:.2f} s; {len(found)} flags "
          f"({sum(f.kind == 'identical' for f in found)} identical): {len(copied & pairs)} of {len(copied)} "
          f"disguised copies found, {len(pairs - copied)} other pairs (answers the generator happened to "
          f"make alike)")

    ex5_like(args.students)


def ex5_like(students: int) -> None:
    rng = random.Random(1)
    exercise = starter_cells("deep_learning_intro.ex5")
    solution = starter_cells("deep_learning_intro.ex5", "solution")
    if not exercise or not solution:
        return

    def spelling(source: str) -> str:
        k = rng.randrange(4)
        out = source.replace("Dropout(0.3)", "Dropout(rate=0.3)") if k & 1 else source
        out = out.replace("layers.Dense(1)", "layers.Dense(1, activation='linear')") if k & 2 else out
        return out.replace("model", rng.choice(["model", "net", "m"]))

    subs = [Sub(f"s{s:03d}", tuple(spelling(c) if i in (2, 8) else exercise[i] for i, c in enumerate(solution)))
            for s in range(students)]
    t0 = time.perf_counter()
    found = flags(subs, exercise)
    print(f"ex5-like class of {len(subs)}, four spellings of the expected answers: "
          f"{time.perf_counter() - t0:.2f} s; {len(found)} flags")


if __name__ == "__main__":
    main()
