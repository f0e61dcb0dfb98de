"""The logbook's lessons under KERAS_BACKEND=jax: each lesson's author-test notebook (its right answers, at
least three wrong answers per coding question and the valid alternatives) runs in a kernel on the JAX backend
and every check must give the verdict its author expects — the same notebooks `make test` runs on TensorFlow."""
from __future__ import annotations

import importlib

import pytest

from learnkit.authoring.build import derive, read_source
from learnkit.authoring.testing import check_notebook
from repo import ROOT

pytest.importorskip("jax")

LESSONS = sorted((ROOT / "notebooks" / "deep_learning_logbook").glob("ex*.py"))


@pytest.mark.slow
@pytest.mark.jax
@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_author_tests_pass_on_jax(source):
    nb = derive(read_source(source), "test", str(source), "en")
    result = check_notebook(source, variant="test", nb=nb, keras_backend="jax", cell_timeout=600)
    assert result.ok, "\n".join(result.failures())
    checker = importlib.import_module(f"checkers.deep_learning_logbook.{source.stem}")
    assert sorted(r.question for r in result.rows) == sorted(checker.exercise.questions)


def test_every_checker_has_a_lesson_run_here():
    checkers = sorted((ROOT / "checkers" / "deep_learning_logbook").glob("ex*.py"))
    assert checkers and [p.stem for p in LESSONS] == [p.stem for p in checkers]
