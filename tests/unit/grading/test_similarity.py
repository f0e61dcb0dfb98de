"""learnkit.grading.similarity: pairs of near-identical submissions for a human to look at (no kernels)."""
from __future__ import annotations

import random
import re
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import nbformat
import pytest

from learnkit.grading import similarity
from learnkit.grading.similarity import (
    Flag,
    Sub,
    answer_cells,
    flags,
    normalize,
    solution_calls,
    starter_cells,
)
from repo import ROOT  # noqa: E402

EX5 = ROOT / "notebooks" / "deep_learning_intro"

SETUP = "import numpy as np\nimport keras\nfrom keras import layers\nfrom checkers.deep_learning_intro.ex5 import *"
LOAD = "df = pd.read_csv(data.path('concrete'))\nX = df.drop('CompressiveStrength', axis=1)\ny = df['CompressiveStrength']"
TEMPLATE = (SETUP, LOAD, "model = ____\nq_1.check()", "q_2.check()")

ANSWER = """# two hidden layers, then the output
model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=[8]),
    layers.Dropout(0.3),
    layers.Dense(64, activation='relu'),
    layers.Dense(1),
])
model.compile(optimizer='adam', loss='mae')
history = model.fit(X, y, epochs=40, batch_size=256, verbose=0)
q_1.check()"""
# the same answer, renamed, reformatted, re-commented
DISGUISED = """net = keras.Sequential(
    [layers.Dense(128, activation="relu", input_shape=[8]),    layers.Dropout(0.30),
     layers.Dense(64, activation="relu"), layers.Dense(1)]
)

# I compile with Adam here
net.compile(optimizer="adam", loss="mae")    # mean absolute error
log = net.fit(X, y, epochs=40, batch_size=256, verbose=0)
q_1.check()"""
# a different correct answer to the same question: other layer sizes, same structure
OTHER_SIZES = """model = keras.Sequential([
    layers.Dense(256, activation='relu', input_shape=[8]),
    layers.Dropout(0.3),
    layers.Dense(32, activation='relu'),
    layers.Dense(1),
])
model.compile(optimizer='adam', loss='mae')
history = model.fit(X, y, epochs=40, batch_size=256, verbose=0)
q_1.check()"""
SIGMOID_NP = "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\nq_2.check()"
SIGMOID_MATH = "def sigmoid(z):\n    return 1 / (1 + math.exp(-z))\n\nq_2.check()"
TRAINING = """early = keras.callbacks.EarlyStopping(min_delta=0.001, patience=20, restore_best_weights=True)
history = model.fit(X, y, validation_split=0.2, batch_size=512, epochs=500, callbacks=[early], verbose=0)
frame = pd.DataFrame(history.history)
frame.loc[5:, ['loss', 'val_loss']].plot()
print("Minimum validation loss: {}".format(frame['val_loss'].min()))"""
DERIVATIVE = "def sigmoid_grad(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n\nprint(sigmoid_grad(np.array([0.0, 2.0])))"


def notebook(*answers: str) -> tuple[str, ...]:
    return (SETUP, LOAD, *answers)


def similar(found: list[Flag]) -> dict[tuple[str, str], Flag]:
    return {f.students: f for f in found if f.kind == "similar"}


# -- normalize -------------------------------------------------------------------------------------
def test_normalize_ignores_names_comments_layout_and_quotes_but_keeps_api_and_literals():
    a = normalize("x = np.exp(-y)  # sigmoid\n\n\nprint('done', x, sep=' ')")
    b = normalize("# compute\nvalue  =  np.exp( - other )\nprint(\"done\", value, sep=\" \")")
    assert a == b
    assert a == ("v0", "=", "np", ".", "exp", "(", "-", "v1", ")", "print", "(", "'done'", ",", "v0", ",", "sep",
                 "=", "' '", ")")
    assert normalize("x = 0.30") == normalize("x = .3") != normalize("x = 0.4")
    assert normalize("x = np.exp(y)") != normalize("x = math.exp(y)")  # usual module aliases are kept
    assert normalize("import scipy.special as sp\nv = sp.expit(w)") == ("import", "scipy", ".", "special", "as", "sp",
                                                                         "v0", "=", "sp", ".", "expit", "(", "v1", ")")
    assert normalize("y = helpers.f(x)") == normalize("z = other.f(x)")  # not imported here: a variable
    assert normalize("y = helpers.f(x)", imported={"helpers"}) != normalize("z = other.f(x)", imported={"helpers"})


def test_normalize_renames_definitions_and_parameters_but_not_keyword_arguments():
    a = normalize("def f(units=64, act='relu'):\n    return layers.Dense(units, activation=act)")
    b = normalize("def build(n=64, a='relu'):\n  return layers.Dense(n, activation=a)")
    assert a == b
    assert "activation" in a and "units" not in a
    assert normalize("f(a, b,)") == normalize("f(a, b)")  # trailing commas (black) do not count
    if_block = normalize("if x:\n    y = 1\nelse:\n        y = 2")
    assert if_block == normalize("if x:\n  y = 1\nelse:\n  y = 2")


@pytest.mark.parametrize("source", [
    "%matplotlib inline\nx = np.exp(y)",
    "!pip install keras\nx = np.exp(y)",
    "x = np.exp(y\nz = (",
    "def f(:\n   pass\n\tq = 'unterminated",
    "x = '''never closed",
    "if x:\n        y = 1\n    z = 2\n",
    "%%time\n!ls -l | grep ipynb",
    "",
])
def test_normalize_never_crashes_on_magics_or_syntax_errors(source):
    tokens = normalize(source)
    assert isinstance(tokens, tuple) and all(isinstance(t, str) for t in tokens)


def test_magic_lines_are_dropped():
    assert normalize("%matplotlib inline\nx = np.exp(y)") == normalize("x = np.exp(y)")
    assert normalize("!pip install keras\nx = np.exp(y)") == normalize("x = np.exp(y)")


# -- flags -------------------------------------------------------------------------------------------
def test_same_file_is_identical_once_and_never_also_similar():
    cells = notebook(ANSWER, SIGMOID_NP)
    found = flags([Sub("bob", cells, "abc"), Sub("alice", cells, "abc"), Sub("carol", notebook(OTHER_SIZES), "def")],
                  TEMPLATE)
    assert found == [Flag("identical", ("alice", "bob"), note="the same file (identical SHA-256)")]


def test_same_code_in_every_cell_is_identical_whatever_the_names_and_comments():
    a = notebook(ANSWER, DERIVATIVE)
    b = notebook(ANSWER.replace("history", "hist").replace("# two", "# 2"), re.sub(r"\bs\b", "out", DERIVATIVE))
    found = flags([Sub("s1", a, "1"), Sub("s2", b, "2")], TEMPLATE)
    assert [(f.kind, f.students) for f in found] == [("identical", ("s1", "s2"))]
    assert "same code in every cell" in found[0].note


def test_renamed_reformatted_recommented_answer_is_flagged_with_its_cells():
    a = notebook(ANSWER, SIGMOID_NP, DERIVATIVE)
    b = notebook("q_2.check()", DISGUISED, "x = 3")  # the copied answer sits in another cell
    c = notebook(OTHER_SIZES, SIGMOID_MATH)
    found = flags([Sub("s1", a), Sub("s2", b), Sub("s3", c)], TEMPLATE)
    assert list(similar(found)) == [("s1", "s2")] and len(found) == 1
    flag = found[0]
    assert flag.cells == ((2, 3),)
    assert flag.ratio == 1.0
    assert flag.note == ("code cell 3 of s1 is near-identical to code cell 4 of s2 once comments, formatting "
                         "and variable names are ignored (100%)")


def test_several_matched_cells_are_listed_in_one_flag_with_the_lowest_ratio():
    a = notebook(ANSWER, TRAINING, "print(history.history['loss'][-1])")
    b = notebook(DISGUISED, TRAINING.replace(".plot()", ".plot(title='Loss')"), "q_2.check()")
    found = flags([Sub("s1", a), Sub("s2", b)], TEMPLATE)
    assert [f.kind for f in found] == ["similar"]
    assert found[0].cells == ((2, 2), (3, 3))
    literals = [tuple(t for t in normalize(c) if t[0] in "'0123456789") for c in (TRAINING, b[3])]
    expected = SequenceMatcher(None, *literals, autojunk=False).ratio()  # the lowest of the three views here
    assert 0.9 <= found[0].ratio < 1.0 and found[0].ratio == pytest.approx(expected, abs=1e-4)
    assert "cells 3 and 4 of s1 are near-identical to code cells 3 and 4 of s2" in found[0].note
    assert "lowest" in found[0].note


def test_different_correct_answers_to_a_short_question_are_not_flagged():
    # the same structure with other layer sizes; np.exp vs math.exp
    assert flags([Sub("s1", notebook(ANSWER)), Sub("s2", notebook(OTHER_SIZES))], TEMPLATE) == []
    assert flags([Sub("s1", notebook(SIGMOID_NP)), Sub("s2", notebook(SIGMOID_MATH))], TEMPLATE) == []
    small = "model = keras.Sequential([\n    layers.Dense(64, activation='relu', input_shape=[8]),\n    layers.Dense(1),\n])"
    deeper = small.replace("64, activation='relu', input_shape=[8]),",
                           "32, activation='relu', input_shape=[8]),\n    layers.Dense(16, activation='relu'),")
    assert flags([Sub("s1", notebook(small)), Sub("s2", notebook(deeper))], TEMPLATE) == []


def test_untouched_starter_code_and_template_cells_are_never_evidence():
    starter = notebook(*TEMPLATE[2:])
    class_of_5 = [Sub(f"s{i}", starter, f"sha{i}") for i in range(5)]
    assert flags(class_of_5, TEMPLATE) == []
    assert flags(class_of_5) == []  # no template: the class's common cells
    assert flags(class_of_5[:2], TEMPLATE) == []  # two students: the template alone
    # a long given cell left as it is, next to different answers
    given = (LOAD + "\n" + DERIVATIVE)
    found = flags([Sub("a", (given, ANSWER)), Sub("b", (given, SIGMOID_NP))], (given,))
    assert found == []
    assert answer_cells(Sub("a", (given, ANSWER)), (given,), set()) == {1: normalize(ANSWER)}


def test_code_most_of_the_class_shares_as_it_is_or_near_identical_is_no_evidence():
    # 3 of 5 students wrote the same answer: it is the expected one, not evidence; nor are its variants
    variant = ANSWER.replace("Dropout(0.3)", "Dropout(rate=0.3)")
    subs = [Sub("a", notebook(ANSWER, "q_2.check()")), Sub("b", notebook(ANSWER, "print(1)")),
            Sub("c", notebook(ANSWER, "print(2)")), Sub("d", notebook(variant)), Sub("e", notebook(variant + "\n"))]
    assert flags(subs, TEMPLATE) == []
    # two students with near-identical answers in a class of 5: evidence; once most of the class
    # has that answer or a near-identical one, it is the expected answer
    few = [Sub("a", notebook(ANSWER)), Sub("b", notebook(variant)), Sub("c", notebook(OTHER_SIZES)),
           Sub("d", notebook(SIGMOID_NP)), Sub("e", notebook())]
    assert [(f.kind, f.students, f.cells) for f in flags(few, TEMPLATE)] == [("similar", ("a", "b"), ((2, 2),))]
    more = [*few, Sub("f", notebook(ANSWER.replace("epochs=40", "epochs=40, shuffle=True"))), Sub("g", notebook(variant))]
    assert flags(more, TEMPLATE) == []
    assert [(f.kind, *f.students) for f in flags(more, TEMPLATE, common_share=0.7)] == [  # 4 of 7 is not 70%
        ("identical", "b", "g"), ("similar", "a", "b"), ("similar", "a", "f"), ("similar", "a", "g"),
        ("similar", "b", "f"), ("similar", "f", "g")]
    # two students who changed the same given cell a little: both mostly the given cell
    given = "history = model.fit(X, y, validation_split=0.2, batch_size=64, epochs=100, verbose=0)\nprint(history)"
    edited = given.replace("epochs=100", "epochs=50")
    assert normalize(edited) != normalize(given)
    assert flags([Sub("a", (given, edited)), Sub("b", (given, edited + "  # 50 is enough"))], (given, given)) == []


def test_known_code_such_as_the_published_solution_is_no_evidence():
    variant = ANSWER.replace("Dropout(0.3)", "Dropout(rate=0.3)")
    subs = [Sub("a", notebook(variant)), Sub("b", notebook(variant.replace("model", "m")))]
    assert [f.kind for f in flags(subs, TEMPLATE)] == ["identical"]
    assert flags(subs, TEMPLATE, known=[ANSWER]) == []


def test_magic_and_syntax_error_cells_do_not_crash_flags():
    broken = "%matplotlib inline\n!pip install foo\ndef f(:\n    return [1, 2"
    found = flags([Sub("a", notebook(broken, ANSWER)), Sub("b", notebook(broken, DISGUISED, "print(b)")),
                   Sub("c", (broken,))], TEMPLATE)
    assert [(f.kind, f.students, f.cells) for f in found] == [("similar", ("a", "b"), ((3, 3),))]


def test_output_sorted_by_kind_then_students_and_worded_neutrally():
    same = notebook(ANSWER, DERIVATIVE)
    subs = [Sub("zed", same, "h"), Sub("amy", same, "h"), Sub("kim", notebook(DISGUISED, SIGMOID_NP)),
            Sub("bob", notebook(SIGMOID_MATH, "print(1)")), Sub("dan", notebook(SIGMOID_MATH.replace("z", "t"), "print(2)")),
            Sub("eve", notebook(OTHER_SIZES)), Sub("fay", notebook())]
    found = flags(subs, TEMPLATE)
    assert [(f.kind, f.students) for f in found] == [
        ("identical", ("amy", "zed")), ("similar", ("amy", "kim")), ("similar", ("bob", "dan")),
        ("similar", ("kim", "zed"))]
    for f in found:
        assert f.students == tuple(sorted(f.students)) and 0.9 <= f.ratio <= 1.0
        assert not re.search(r"cheat|plagiar|cop(y|ied)|fraud|dishonest", f.note, re.IGNORECASE)


def test_fewer_than_two_submissions():
    assert flags([]) == []
    assert flags([Sub("a", notebook(ANSWER))]) == []


def test_candidate_filter_keeps_every_pair_that_can_reach_the_threshold():
    rng = random.Random(3)
    vocab = ["a", "b", "c", "d", "e", "f", "g"]
    seqs = [tuple(rng.choice(vocab[:rng.randint(2, 7)]) for _ in range(rng.randint(1, 14))) for _ in range(250)]
    seqs += [s[:-1] + ("z",) for s in seqs[:30]] + [s + ("a",) for s in seqs[30:60]]
    for threshold in (0.5, 0.8, 0.9, 1.0):
        candidates = similarity._candidates(seqs, threshold)
        for u, w in combinations(range(len(seqs)), 2):
            if SequenceMatcher(None, seqs[u], seqs[w], autojunk=False).quick_ratio() >= threshold:
                assert (u, w) in candidates, (threshold, seqs[u], seqs[w])


# -- the real course notebook -------------------------------------------------------------------------
RENAMES = {"model": "net", "history_df": "curves", "history": "log", "X_train": "train_x", "X_valid": "valid_x",
           "y_train": "train_y", "y_valid": "valid_y", "df_train": "training", "df_valid": "validation",
           "df": "frame", "preprocessor": "prep", "spotify": "songs", "concrete": "mix", "artists": "who",
           "group_split": "split_by_group", "splitter": "gss", "features_num": "numeric", "features_cat": "cats"}


def code_cells(path: Path) -> tuple[str, ...]:
    return tuple(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def renamed(cells: tuple[str, ...]) -> tuple[str, ...]:
    pattern = re.compile(r"(?<![.\w'\"])(" + "|".join(RENAMES) + r")\b")  # none is a keyword argument
    out = tuple(pattern.sub(lambda m: RENAMES[m.group(1)], c) for c in cells)
    assert out != cells
    return out


def test_starter_cells_of_the_course_notebooks():
    assert starter_cells("deep_learning_intro.ex5") == code_cells(EX5 / "ex5.ipynb")
    assert starter_cells("deep_learning_intro.ex5", "solution") == code_cells(EX5 / "ex5_solution.ipynb")
    for missing in ("deep_learning_intro.ex99", "nope.ex1", "../etc.passwd", "ex5", "", None, 5):
        assert starter_cells(missing) is None
    assert starter_cells("deep_learning_intro.ex5", "test") is None


def test_ex5_solution_renamed_is_flagged_and_the_starter_is_not():
    template = starter_cells("deep_learning_intro.ex5")
    solution, exercise = code_cells(EX5 / "ex5_solution.ipynb"), code_cells(EX5 / "ex5.ipynb")
    other = renamed(solution)
    assert [(f.kind, f.students) for f in flags([Sub("a", solution), Sub("b", other)], template)] == [
        ("identical", ("a", "b"))]
    # a copy that also differs elsewhere: the two answer cells (q_1 and q_3) are what matches
    changed = other[:4] + (other[4].replace("epochs=50", "epochs=30"),) + other[5:]
    found = flags([Sub("a", solution), Sub("b", changed)], template)
    assert [(f.kind, f.cells) for f in found] == [("similar", ((2, 2), (8, 8)))]
    assert found[0].ratio == 1.0
    # the untouched exercise notebook shares only starter code with the solution
    assert flags([Sub("a", solution), Sub("b", exercise)], template) == []
    assert flags([Sub("a", solution), Sub("b", exercise), Sub("c", exercise), Sub("d", exercise)]) == []
    assert answer_cells(Sub("b", exercise), template, set()) == {}
    assert set(answer_cells(Sub("a", solution), template, set())) == {2, 8}


# -- solution_calls -------------------------------------------------------------------------------------
def test_solution_calls_spellings():
    cells = [
        "q_1.check()\n#q_1.solution()",        # 0: commented out
        "q_2.solution",                         # 1: no call: shows a bound method's repr, not the solution
        "x = 1\nq_2.solution( )",              # 2
        "print(q_3.solution())",                # 3
        "%time\nq4.solution()\n!ls",             # 4: magics, learntools spelling
        "def f(:\n q_5 . solution ()  # broken cell",  # 5: regex fallback
        "q_2.solution()\nq_6.hint()",            # 6: q_2 already seen
        "if True:\n    q_7.solution()\nprint('q_8.solution()')",  # 7: nested; a string is not a call
        "obj.solution()\nq_x.solution()\nmy_q_9.solution()",     # 8: not a question
    ]
    assert solution_calls(cells) == {"q_2": 2, "q_3": 3, "q_4": 4, "q_5": 5, "q_7": 7}
    assert solution_calls([]) == {}
    assert solution_calls(code_cells(EX5 / "ex5_solution.ipynb")) == {}
