"""``learnkit test``: prove every exercise works, for CI and course authors.

For each exercise source three notebooks run, each in its own fresh kernel:
* the author-test notebook (solution + ``test`` cells): no cell may fail, so every
  ``assert_check_*`` holds, and every question ends correct;
* the solution notebook: no cell error, every question correct;
* the exercise notebook, unmodified: no cell error, every question unattempted.
``check_notebook`` is the runner-independent expectation logic; the pytest plugin
and the CLI both use it.
"""
from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from learnkit.authoring.build import derive, derived_paths, find_sources, languages, read_source, split_key
from learnkit.core.result import Status
from learnkit.runner import NotebookRun, read_notebook, run_notebook

EXPECT = {"test": Status.CORRECT, "solution": Status.CORRECT, "exercise": Status.UNATTEMPTED}


@dataclass
class Row:
    question: str
    status: str
    expected: str
    message: str

    @property
    def ok(self) -> bool:
        return self.status == self.expected


@dataclass
class NotebookCheck:
    name: str
    variant: str
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # run-level failures (cell errors, timeouts)
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.rows)

    def failures(self) -> list[str]:
        return self.problems + [f"{r.question}: expected {r.expected}, got {r.status}: {r.message}"
                                for r in self.rows if not r.ok]


def check_run(run: NotebookRun, name: str, variant: str) -> NotebookCheck:
    """Apply the expectations of ``variant`` to a finished run."""
    out = NotebookCheck(name, variant, duration=run.duration)
    if not run.ok:
        out.problems.append(f"run {run.status}: {run.reason}")
    for err in run.cell_errors:
        src = run.notebook.cells[err["cell"]].source.strip().splitlines() if run.notebook else []
        first = src[0][:70] if src else ""
        out.problems.append(f"cell {err['cell'] + 1} ({first!r}) raised {err['ename']}: {err['evalue']}")
    wanted = EXPECT[variant].value
    for q, r in sorted(run.results.items()):
        out.rows.append(Row(q, r.status.value, wanted, r.message if r.status.value != wanted or not r.diagnosis
                            else r.diagnosis))
    return out


def variant_of(nb: nbformat.NotebookNode, path: Path) -> str:
    v = (nb.metadata.get("learnkit") or {}).get("variant")
    if v in EXPECT:
        return v
    return "solution" if path.stem.endswith("_solution") else "exercise"


def check_notebook(path: str | Path, *, variant: str | None = None, nb: nbformat.NotebookNode | None = None,
                   name: str | None = None, keras_backend: str | None = None, data_dir: str | None = None,
                   cell_timeout: float = 900) -> NotebookCheck:
    path = Path(path)
    nb = nb if nb is not None else read_notebook(path)
    variant = variant or variant_of(nb, path)
    env = dict(os.environ)
    if data_dir:
        env["LEARNKIT_DATA"] = str(Path(data_dir).resolve())
    from learnkit.runner import scratch
    with tempfile.TemporaryDirectory(prefix="learnkit-test-", dir=scratch.root()) as cwd:
        run = run_notebook(path, nb=nb, cwd=cwd, env=env, cell_timeout=cell_timeout, keras_backend=keras_backend)
    return check_run(run, name or str(path), variant)


def plan(paths) -> list[tuple[str, str, Path, nbformat.NotebookNode]]:
    """(name, variant, path, notebook) for every notebook ``learnkit test`` should run."""
    jobs = []
    paths = [Path(p) for p in paths]
    for source in find_sources(paths):
        src = read_source(source)
        langs = languages(src)
        for lang in ["en", *langs]:
            suffix = "" if lang == "en" else f" ({lang})"
            jobs.append((f"{source} [author tests{suffix}]", "test", source, derive(src, "test", str(source), lang)))
        for key, target in derived_paths(source, langs).items():
            variant, lang = split_key(key)
            nb = read_notebook(target) if target.exists() else derive(src, variant, str(source), lang)
            jobs.append((str(target), variant, target, nb))
    seen = {str(j[2]) for j in jobs}
    for p in paths:  # notebooks named directly (or found in folders without a source)
        for nbpath in ([p] if p.suffix == ".ipynb" else sorted(p.rglob("*.ipynb")) if p.is_dir() else []):
            if str(nbpath) not in seen and ".ipynb_checkpoints" not in nbpath.parts:
                nb = read_notebook(nbpath)
                jobs.append((str(nbpath), variant_of(nb, nbpath), nbpath, nb))
                seen.add(str(nbpath))
    return jobs


def run_all(paths, workers: int = 2, keras_backend: str | None = None, data_dir: str | None = None,
            on_done=None) -> list[NotebookCheck]:
    jobs = plan(paths)

    def one(job):
        name, variant, path, nb = job
        result = check_notebook(path, variant=variant, nb=nb, name=name, keras_backend=keras_backend,
                                data_dir=data_dir)
        if on_done:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, jobs))
