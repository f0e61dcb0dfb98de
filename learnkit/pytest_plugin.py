"""pytest adapter: ``pytest --learnkit notebooks/`` collects each notebook as a test item.

Exercise sources (``*.py`` with a ``learnkit:`` header) become their author-test notebook;
built notebooks become solution/exercise items. Each item runs through the same runner and
expectations as ``learnkit test`` (``learnkit.authoring.testing``); this module only adapts
the result to pytest. Works with pytest-xdist (one notebook per item).
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("learnkit")
    group.addoption("--learnkit", action="store_true", default=False,
                    help="collect learnkit exercise sources and notebooks as tests")
    group.addoption("--learnkit-backend", default=None, help="Keras backend for notebook items (tensorflow, jax)")
    group.addoption("--learnkit-data", default=None, help="dataset directory (default: LEARNKIT_DATA)")


def pytest_collect_file(file_path: Path, parent):
    if not parent.config.getoption("learnkit"):
        return None
    if ".ipynb_checkpoints" in file_path.parts:
        return None
    if file_path.suffix == ".ipynb":
        return NotebookFile.from_parent(parent, path=file_path)
    if file_path.suffix == ".py" and not file_path.name.startswith(("test_", "conftest")):
        from learnkit.authoring import find_sources
        if find_sources([file_path]):
            return SourceFile.from_parent(parent, path=file_path)
    return None


class NotebookFailure(Exception):
    pass


class NotebookItem(pytest.Item):
    def __init__(self, *, variant: str | None, lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        self.variant = variant
        self.lang = lang
        self.add_marker(pytest.mark.slow)

    def runtest(self):
        from learnkit.authoring.build import derive, read_source
        from learnkit.authoring.testing import check_notebook
        nb = None
        if self.variant == "test":
            nb = derive(read_source(self.path), "test", str(self.path), self.lang)
        config = self.config
        check = check_notebook(self.path, variant=self.variant, nb=nb, name=str(self.path),
                               keras_backend=config.getoption("learnkit_backend"),
                               data_dir=config.getoption("learnkit_data"))
        if not check.ok:
            raise NotebookFailure(check)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, NotebookFailure):
            check = excinfo.value.args[0]
            return "\n".join([f"{check.name} ({check.variant} notebook) failed:"] +
                             [f"  - {line}" for line in check.failures()])
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


class NotebookFile(pytest.File):
    def collect(self):
        yield NotebookItem.from_parent(self, name="notebook", variant=None)


class SourceFile(pytest.File):
    def collect(self):
        from learnkit.authoring.build import languages, read_source
        yield NotebookItem.from_parent(self, name="author-tests", variant="test")
        for lang in languages(read_source(self.path)):
            yield NotebookItem.from_parent(self, name=f"author-tests[{lang}]", variant="test", lang=lang)
