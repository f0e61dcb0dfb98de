"""``____``: any use as a value fails with the friendly message, yet it has no attributes for
``hasattr``/``getattr``/``copy``/``pickle``, which give the one ``____`` back."""
import copy
import pickle

import nbformat
import pytest

from learnkit.core.placeholder import MESSAGE, PLACEHOLDER, PlaceholderAttributeError, PlaceholderError, ____


def test_an_attribute_of_the_blank_is_an_attribute_error_with_the_friendly_message():
    with pytest.raises(PlaceholderAttributeError, match="replace ____ with your own code") as e:
        ____.sum()
    assert isinstance(e.value, PlaceholderError) and isinstance(e.value, AttributeError)
    assert str(e.value) == MESSAGE


def test_hasattr_and_getattr_with_a_default():
    assert not hasattr(____, "x")
    assert not hasattr(____, "__array__")
    assert getattr(____, "x", "default") == "default"


def test_using_the_blank_as_a_value_still_fails():
    for use in (lambda: ____ + 1, lambda: ____(), lambda: len(____), lambda: float(____), lambda: ____[0]):
        with pytest.raises(PlaceholderError, match="replace ____"):
            use()


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))])
def test_copies_and_pickles_give_the_blank_back(copier):
    assert copier(____) is PLACEHOLDER
    got = copier([1, ____, {"a": (____, [____])}])
    assert got[1] is ____ and got[2]["a"][0] is ____ and got[2]["a"][1][0] is ____


CELLS = [
    "from learnkit.core import binder\nbinder.bind(globals())\nfrom checkers.nn_from_scratch.ex1 import *\n"
    "import copy, pickle",
    "node_0_value = node_1_value = hidden_layer_outputs = output = ____\nq_1.check()",
    "print(hasattr(____, 'sum'), getattr(____, 'sum', 'none'), copy.deepcopy([____])[0] is ____,\n"
    "      pickle.loads(pickle.dumps({'a': ____}))['a'] is ____)",
    "node_0_value = ____.sum()",
    "node_0_value = ____ * 2",
]


@pytest.mark.slow
def test_the_blank_in_a_real_notebook(tmp_path):
    from learnkit.runner import run_notebook

    path = tmp_path / "student.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS]), path)
    run = run_notebook(path, cwd=tmp_path, cell_timeout=300)
    cells = run.notebook.cells
    text = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cells[1].outputs)
    assert "Not attempted yet" in text and "still contains the blank ____" in text
    assert "".join(o.get("text", "") for o in cells[2].outputs).strip() == "False none True True"
    errors = [(e["cell"], e["ename"], e["evalue"]) for e in run.cell_errors]
    assert errors == [(3, "PlaceholderAttributeError", MESSAGE), (4, "PlaceholderError", MESSAGE)]
    assert run.results["q_1"].status.value == "unattempted"
