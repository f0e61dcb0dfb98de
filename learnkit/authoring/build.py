"""Derive student-facing notebooks from one jupytext percent-format source.

Markers (documented in docs/authoring.md):

* ``# BEGIN SOLUTION`` … ``# END SOLUTION`` — solution lines. They stay in the solution and
  author-test notebooks; in the exercise notebook they are replaced by the cell's
  ``# EXERCISE:`` lines, or, when there are none, by ``name = ____`` for each assignment.
* ``# EXERCISE: <code>`` — a line only the exercise notebook has (prefix removed).
* a cell tagged ``test`` (``# %% tags=["test"]``) — author-only: wrong and right sample answers
  with ``q_N.assert_check_failed()`` / ``assert_check_passed()``; only in the test notebook.
* a cell tagged ``solution`` or ``exercise`` — kept only in that notebook.
* a cell tagged with a language (``# %% [markdown] tags=["zh-TW"]``) — the translation of the
  cell just before it: it replaces that cell in the notebooks of that language (declared in
  the header as ``learnkit: languages: [zh-TW]``, built as ``<name>.zh-TW.ipynb``) and is
  left out of every other notebook.
"""
from __future__ import annotations

import ast
import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

from learnkit.files import write_atomic
from learnkit.i18n import normalize

VARIANTS = ("exercise", "solution", "test")
BEGIN, END, EXERCISE = "# BEGIN SOLUTION", "# END SOLUTION", "# EXERCISE:"
CELL_TAGS = {"test": {"test"}, "solution": {"solution", "test"}, "exercise": {"exercise"}}


class SourceError(ValueError):
    """A malformed marker in an exercise source (message names the file and cell)."""


def read_source(path: str | Path) -> nbformat.NotebookNode:
    return jupytext.read(str(path), fmt="py:percent")


def is_source(path: Path) -> bool:
    """A jupytext percent file whose YAML header has a ``learnkit:`` section."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    if not lines or lines[0].strip() != "# ---":
        return False
    for line in lines[1:200]:
        if line.strip() == "# ---":
            return False
        if re.match(r"^#\s+learnkit:\s*$", line):
            return True
    return False


def find_sources(paths) -> list[Path]:
    """Exercise sources under the given files/directories."""
    out: list[Path] = []
    for p in map(Path, paths):
        candidates = sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.suffix == ".py" else []
        out.extend(c for c in candidates if is_source(c))
    return out


def languages(source_nb: nbformat.NotebookNode) -> list[str]:
    """The extra languages a source is translated into (besides the default, English)."""
    return [normalize(l) for l in (source_nb.metadata.get("learnkit", {}) or {}).get("languages", []) or []]


def derived_paths(source: Path, langs: list[str] | None = None) -> dict[str, Path]:
    """Keys ``exercise``/``solution`` (English) and ``exercise@zh-TW``… for each extra language."""
    if langs is None:
        langs = languages(read_source(source))
    stem = source.with_suffix("")
    out = {"exercise": stem.with_suffix(".ipynb"), "solution": Path(f"{stem}_solution.ipynb")}
    for lang in langs:
        out[f"exercise@{lang}"] = Path(f"{stem}.{lang}.ipynb")
        out[f"solution@{lang}"] = Path(f"{stem}_solution.{lang}.ipynb")
    return out


def split_key(key: str) -> tuple[str, str]:
    variant, _, lang = key.partition("@")
    return variant, lang or "en"


def _starter_for(block: list[str]) -> list[str]:
    """``x = ____`` for each assignment in a solution block (or a lone ``____``)."""
    indent = min((len(line) - len(line.lstrip()) for line in block if line.strip()), default=0)
    text = "\n".join(line[indent:] for line in block)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return [" " * indent + "____"]
    out = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            out.append(" " * indent + f"{ast.unparse(t)} = ____")
    return out or [" " * indent + "____"]


def _transform_code(source: str, variant: str, where: str) -> str:
    lines = source.split("\n")
    exercise_lines = [l.split(EXERCISE, 1)[1][1:] if l.split(EXERCISE, 1)[1].startswith(" ")
                      else l.split(EXERCISE, 1)[1] for l in lines if l.lstrip().startswith(EXERCISE)]
    out: list[str] = []
    block: list[str] = []
    in_block, starter_done = False, False
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if in_block:
                raise SourceError(f"{where}: nested '{BEGIN}'")
            in_block, block = True, []
            continue
        if stripped == END:
            if not in_block:
                raise SourceError(f"{where}: '{END}' without '{BEGIN}'")
            in_block = False
            if variant == "exercise" and not starter_done:
                out.extend(exercise_lines or _starter_for(block))
                starter_done = bool(exercise_lines)
            elif variant != "exercise":
                out.extend(block)
            continue
        if line.lstrip().startswith(EXERCISE):
            continue
        (block if in_block else out).append(line)
    if in_block:
        raise SourceError(f"{where}: '{BEGIN}' without '{END}'")
    if variant == "exercise" and exercise_lines and not starter_done:
        # EXERCISE lines with no solution block: put them where the first one stood.
        first = next(i for i, l in enumerate(lines) if l.lstrip().startswith(EXERCISE))
        kept = [l for l in lines[:first] if not l.lstrip().startswith(EXERCISE)]
        out = kept + exercise_lines + out[len(kept):]
    return "\n".join(out)


def _cell_id(cell_type: str, source: str, used: set) -> str:
    """Content-based: editing (or adding an author-only cell) changes no other cell's id."""
    base = hashlib.sha256(f"{cell_type}\0{source}".encode()).hexdigest()[:10]
    cid, n = base, 1
    while cid in used:
        n += 1
        cid = f"{base}-{n}"
    used.add(cid)
    return cid


def derive(source_nb: nbformat.NotebookNode, variant: str, name: str = "<source>",
           lang: str = "en") -> nbformat.NotebookNode:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}")
    lang = normalize(lang)
    known_langs = set(languages(source_nb))
    nb = nbformat.v4.new_notebook()
    meta = copy.deepcopy(dict(source_nb.metadata))
    meta.pop("jupytext", None)
    meta.setdefault("kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"})
    meta.setdefault("language_info", {"name": "python"})
    meta.setdefault("learnkit", {})["variant"] = variant
    meta["learnkit"].pop("languages", None)
    if lang != "en":
        meta["learnkit"]["lang"] = lang
    nb.metadata = nbformat.from_dict(meta)
    used: set = set()
    last_kept = -2  # source index of the last cell put into this notebook
    for i, cell in enumerate(source_nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        cell_langs = {normalize(t) for t in tags} & known_langs
        if cell_langs:  # a translation of the cell before it
            if lang not in cell_langs or last_kept != i - 1:
                continue
            used.discard(nb.cells.pop().id)
        only = tags & {"test", "solution", "exercise"}
        if only and variant not in {t for tag in only for t in CELL_TAGS[tag]}:
            continue
        last_kept = i
        src = cell.source
        if cell.cell_type == "code":
            src = _transform_code(src, variant, f"{name}, cell {i + 1}")
            new = nbformat.v4.new_code_cell(src)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(src)
        else:
            new = nbformat.v4.new_raw_cell(src)
        keep_tags = sorted(t for t in tags - {"test", "solution", "exercise"} if normalize(t) not in known_langs)
        if keep_tags:
            new.metadata["tags"] = keep_tags
        new.id = _cell_id(new.cell_type, src, used)
        nb.cells.append(new)
    return nb


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # with check=True: out of date with the source

    @property
    def ok(self) -> bool:
        return not self.stale


def build(sources, check: bool = False) -> BuildReport:
    """Write (or, with ``check``, verify) the exercise and solution notebook of each source."""
    report = BuildReport()
    for source in find_sources(sources):
        src_nb = read_source(source)
        for key, target in derived_paths(source, languages(src_nb)).items():
            variant, lang = split_key(key)
            text = nbformat.writes(derive(src_nb, variant, str(source), lang)) + "\n"
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == text:
                report.unchanged.append(target)
            elif check:
                report.stale.append(target)
            else:
                write_atomic(target, text)
                report.written.append(target)
    return report
