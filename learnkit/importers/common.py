"""What every importer shares: the imported assignment, solution markers, the names a test reads,
and writing the learnkit exercise (``notebooks/<course>/<exercise>.py`` + ``checkers/<course>/<exercise>.py``).

A format module (``nbgrader``, ``otter``) turns its notebook into an ``Imported``: cells for the
jupytext source (markdown, code with learnkit's ``# BEGIN SOLUTION``/``# END SOLUTION`` markers,
and ``check`` cells that call the questions), the questions (``Question``: test cases, points),
the notebook's import lines, and notes on what could not be carried.
"""
from __future__ import annotations

import ast
import builtins
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

from learnkit.files import write_atomic

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
_MARK = re.compile(r"^(\s*)#+\s*(BEGIN|END) SOLUTION\b.*$")
KNOWN_MAGICS = ("%%time", "%%timeit", "%%capture")


class ImportProblem(ValueError):
    """The notebook cannot be imported (one line naming the file and the reason)."""


@dataclass
class Question:
    title: str
    cases: list            # learnkit.importers.problem.ImportedCase
    points: float
    hidden: bool = False


@dataclass
class Imported:
    fmt: str
    title: str
    cells: list = field(default_factory=list)      # ("markdown"|"code", text) or ("check", [question index])
    questions: list[Question] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)

    def check_cell(self, indices: list[int]) -> None:
        self.cells.append(("check", list(indices)))

    def other_language(self, code: str, where: str) -> bool:
        """True (and noted as not carried) for a cell in another language (``%%R``, ``%%bash``)."""
        lang = other_language(code)
        if lang:
            self.not_carried.append(f"{where}: written in another language ({lang}); left out")
        return bool(lang)


@dataclass
class Report:
    written: list[Path]
    questions: list[Question]
    not_carried: list[str]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


def source_text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def learnkit_markers(code: str) -> str:
    """nbgrader's ``### BEGIN SOLUTION`` (any number of ``#``, any suffix such as otter's
    ``NO PROMPT``) as learnkit's ``# BEGIN SOLUTION``, indentation kept."""
    return "\n".join(_MARK.sub(lambda m: f"{m.group(1)}# {m.group(2)} SOLUTION", line) for line in code.split("\n"))


def has_markers(code: str) -> bool:
    return any(_MARK.match(line) for line in code.split("\n"))


def wrap_solution(code: str) -> str:
    """A whole cell as one solution block."""
    return f"{BEGIN}\n{code.rstrip()}\n{END}"


def other_language(code: str) -> str | None:
    """The cell magic of a cell written in another language (``%%R``, ``%%bash``), else None."""
    first = code.lstrip().split("\n", 1)[0].strip()
    if first.startswith("%%") and not first.startswith(KNOWN_MAGICS):
        return first.split()[0]
    return None


def import_lines(code: str) -> list[str]:
    """The top-level import statements of a cell (they run again before each test, in the grader)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]


def imported_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        for node in ast.walk(ast.parse(line)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def free_names(code: str, known: set[str]) -> tuple[str, ...]:
    """The names a test reads but does not define: the student's (and the given cells') variables."""
    tree = ast.parse(code)
    loaded, bound = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded.append(node.id) if isinstance(node.ctx, ast.Load) else bound.add(node.id))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    skip = bound | known | set(dir(builtins))
    return tuple(dict.fromkeys(n for n in loaded if n not in skip))


def check_python(nb, path: Path) -> None:
    spec = nb.get("metadata", {}).get("kernelspec", {}) or {}
    lang = (nb.get("metadata", {}).get("language_info", {}) or {}).get("name") or spec.get("language") or "python"
    if str(lang).lower() != "python":
        raise ImportProblem(f"{path}: a {lang} notebook; learnkit imports Python notebooks only")


def _identifier(text: str, what: str) -> str:
    name = re.sub(r"\W", "_", text.strip()).strip("_").lower()
    if not name or name[0].isdigit():
        name = f"{what}_{name}"
    if keyword.iskeyword(name):
        name += "_"
    return name


def write_exercise(imp: Imported, source: Path, root: Path, course: str | None, exercise: str | None) -> Report:
    course = _identifier(course or "imported", "course")
    exercise = _identifier(exercise or source.stem, "ex")
    module = f"{course}.{exercise}"
    known = imported_names(imp.imports)
    setup = "\n".join(dict.fromkeys(imp.imports))
    checker = [f'"""{imp.title}: imported from {imp.fmt} ({source.name}) by `learnkit import {imp.fmt}`.',
               "", "Each question runs the original test code on the student's facts (learnkit.importers.problem).",
               '"""', "from learnkit.core import Exercise",
               "from learnkit.importers.problem import ImportedCase, ImportedTestProblem", "",
               f"SETUP = {setup!r}", ""]
    for i, q in enumerate(imp.questions, 1):
        names = tuple(dict.fromkeys(n for c in q.cases for n in free_names(c.code, known)))
        cases = ", ".join(f"ImportedCase({c.code!r}, {c.expected!r})" for c in q.cases)
        checker += [f"q{i} = ImportedTestProblem(",
                    f"    prompt={q.title!r}, points={float(q.points)!r}, vars={names!r},",
                    f"    setup=SETUP, hidden={q.hidden!r}, cases=[{cases}],", ")"]
    listed = ", ".join(f"q{i}" for i in range(1, len(imp.questions) + 1))
    checker += ["", f"exercise = Exercise({module!r}, {imp.title!r}, [{listed}])",
                "exercise.export(globals())", ""]
    nb = ["# ---", "# jupyter:", "#   kernelspec: {display_name: Python 3, language: python, name: python3}",
          "#   learnkit:", f"#     exercise: {module}", "# ---", "", "# %%", "from learnkit.core import binder",
          "binder.bind(globals())", f"from checkers.{module} import *", ""]
    for kind, body in imp.cells:
        if kind == "markdown":
            nb += ["# %% [markdown]"] + [("# " + line).rstrip() for line in body.strip().split("\n")] + [""]
        elif kind == "code":
            nb += ["# %%", body.rstrip(), ""]
        else:
            nb += ["# %%"] + [f"q_{i + 1}.check()" for i in body] + [""]
    notebook_path = root / "notebooks" / course / f"{exercise}.py"
    checker_path = root / "checkers" / course / f"{exercise}.py"
    written = [write_atomic(notebook_path, "\n".join(nb).rstrip() + "\n"),
               write_atomic(checker_path, "\n".join(checker))]
    for package in (root / "checkers" / "__init__.py", root / "checkers" / course / "__init__.py"):
        if not package.exists():
            written.append(write_atomic(package, ""))
    return Report(written, imp.questions, imp.not_carried)
