"""learnkit build / build --check / learnkit test / pytest --learnkit on real sources and kernels."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from learnkit.authoring import build, derive, read_source
from learnkit.authoring.build import SourceError, _transform_code
from learnkit.cli import app
from repo import ROOT  # noqa: E402

SOURCE = ROOT / "notebooks" / "deep_learning_intro" / "ex5.py"


def cells(nb):
    return [c.source for c in nb.cells]


def test_derived_notebooks_follow_the_markers():
    src = read_source(SOURCE)
    ex, sol, test = (derive(src, v) for v in ("exercise", "solution", "test"))
    q1_ex = next(s for s in cells(ex) if "q_1.check()" in s)
    q1_sol = next(s for s in cells(sol) if "q_1.check()" in s)
    assert "Dropout" not in q1_ex and "layers.Dense(64, activation='relu')," in q1_ex  # the starter model
    assert q1_sol.count("layers.Dropout(0.3)") == 2
    for nb in (ex, sol):
        text = "\n".join(cells(nb))
        assert "assert_check" not in text and "BEGIN SOLUTION" not in text and "# EXERCISE:" not in text
    assert sum("assert_check_failed" in s for s in cells(test)) == 2
    assert ex.metadata["learnkit"] == {"exercise": "deep_learning_intro.ex5", "variant": "exercise"}
    assert all(c.get("outputs", []) == [] for c in ex.cells if c.cell_type == "code")


def test_translation_cells_replace_the_cell_before_them_only_in_their_language():
    src = read_source(SOURCE)
    en, zh = derive(src, "exercise"), derive(src, "exercise", lang="zh-TW")
    assert len(en.cells) == len(zh.cells)
    assert any("binder.bind(globals(), lang='zh-TW')" in c for c in cells(zh))
    assert not any("lang='zh-TW'" in c or "評估" in c for c in cells(en))
    assert any("# 2) 評估 Dropout" in c for c in cells(zh)) and not any("# 2) Evaluate Dropout" in c for c in cells(zh))
    assert zh.metadata["learnkit"]["lang"] == "zh-TW" and "lang" not in en.metadata["learnkit"]
    # code cells that are not translated (e.g. training) are identical, with the same ids
    same = [(a.id, a.source) for a in en.cells if a.cell_type == "code" and "model.fit(" in a.source]
    assert len(same) == 3
    assert all(p in [(b.id, b.source) for b in zh.cells] for p in same)


def test_blank_starter_is_generated_from_assignments():
    code = "x = 1\n# BEGIN SOLUTION\nweights = np.array([1, 2])\nw2, b = 3, 4\n# END SOLUTION\nq_1.check()"
    assert _transform_code(code, "exercise", "t") == "x = 1\nweights = ____\n(w2, b) = ____\nq_1.check()"
    assert _transform_code(code, "solution", "t") == code.replace("# BEGIN SOLUTION\n", "").replace("# END SOLUTION\n", "")
    with pytest.raises(SourceError, match="t: '# BEGIN SOLUTION' without"):
        _transform_code("# BEGIN SOLUTION\nx = 1", "exercise", "t")
    with pytest.raises(SourceError, match="without '# BEGIN SOLUTION'"):
        _transform_code("x = 1\n# END SOLUTION", "solution", "t")


def test_committed_notebooks_are_up_to_date_and_rebuild_is_stable(tmp_path):
    assert build([ROOT / "notebooks"], check=True).ok
    copy = tmp_path / "course"
    shutil.copytree(SOURCE.parent, copy)
    first = {p.name: p.read_bytes() for p in copy.glob("*.ipynb")}
    report = build([copy])
    assert report.written == [] and len(report.unchanged) == 4  # exercise + solution, English + zh-TW
    assert {p.name: p.read_bytes() for p in copy.glob("*.ipynb")} == first


def test_editing_a_solution_changes_exactly_the_two_notebooks_and_check_names_them(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(SOURCE.parent, copy)
    src = copy / "ex5.py"
    src.write_text(src.read_text().replace("layers.BatchNormalization(input_shape=input_shape),\n    layers.Dense(512",
                                           "layers.BatchNormalization(input_shape=input_shape),\n    layers.Dense(512", 1)
                   .replace("# Check your answer\nq_3.check()", "# Check your answer!\nq_3.check()"))
    result = CliRunner().invoke(app, ["build", "--check", str(copy)])
    assert result.exit_code == 1
    assert "out of date" in result.output and "ex5.ipynb" in result.output and "ex5_solution.ipynb" in result.output
    assert "ex5.zh-TW.ipynb" in result.output  # the edited cell is shared by both languages
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["build", str(copy)])
    assert result.exit_code == 0, result.output
    changed = sorted(p.name for p, data in before.items() if p.read_bytes() != data)
    assert changed == ["ex5.ipynb", "ex5.zh-TW.ipynb", "ex5_solution.ipynb", "ex5_solution.zh-TW.ipynb"]
    assert CliRunner().invoke(app, ["build", "--check", str(copy)]).exit_code == 0
    sol = nbformat.read(copy / "ex5_solution.ipynb", 4)
    assert any("# Check your answer!" in c.source for c in sol.cells)


def _broken_course(tmp_path) -> Path:
    """A temporary copy of ex5 cut after question 1, whose solution uses the wrong dropout rate."""
    text = SOURCE.read_text()
    text = text[: text.index('# %% tags=["test"]')]
    head, sol = text.split("# BEGIN SOLUTION", 1)
    text = head + "# BEGIN SOLUTION" + sol.replace("layers.Dropout(0.3)", "layers.Dropout(0.5)", 2)
    course = tmp_path / "broken"
    course.mkdir()
    (course / "ex5.py").write_text(text)
    return course


needs_data = pytest.mark.skipif(not os.environ.get("LEARNKIT_DATA"), reason="needs LEARNKIT_DATA (../shared/data)")


@pytest.mark.slow
@needs_data
def test_broken_solution_fails_learnkit_test_naming_question_and_message(tmp_path):
    course = _broken_course(tmp_path)
    result = CliRunner().invoke(app, ["test", str(course), "-j", "2"])
    assert result.exit_code == 1, result.output
    assert "q_1: expected correct, got incorrect" in result.output
    assert "0.3" in result.output and "0.5" in result.output
    assert "FAILED" in result.output


@pytest.mark.slow
@needs_data
def test_broken_solution_fails_the_pytest_plugin(tmp_path):
    course = _broken_course(tmp_path)
    build([course])
    proc = subprocess.run([sys.executable, "-m", "pytest", "--learnkit", "-q", "-p", "no:cacheprovider",
                           str(course / "ex5_solution.ipynb")], capture_output=True, text=True, cwd=tmp_path,
                          timeout=600)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "q_1: expected correct, got incorrect" in proc.stdout
    assert "rate 0.3" in proc.stdout or "0.3" in proc.stdout
    assert "1 failed" in proc.stdout
