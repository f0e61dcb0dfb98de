"""Quiet course notebooks: framework noise that is not the student's business stays out of the cells.

``binder.bind`` calls ``quiet_frameworks()`` in the setup cell, before the data cell imports Keras:

* Keras 3 warns "Do not pass an `input_shape`/`input_dim` argument to a layer" in every model
  cell, yet the courses keep the seeds' spelling ``layers.Dense(..., input_shape=[18])`` (it works
  in Keras 3, and the checkers accept it). That one warning is ignored (a targeted
  ``warnings.filterwarnings`` on its message and on Keras's modules), no other.
* TensorFlow logs at import ("This TensorFlow binary is optimized…", "oneDNN custom operations
  are on…"): ``TF_CPP_MIN_LOG_LEVEL=2`` is set when the environment does not choose a level and
  TensorFlow is not imported yet. TensorFlow (2.16+) writes some INFO lines through absl before
  that setting applies, so while ``tensorflow`` is first imported the process's stderr goes to a
  file, and what is not such an INFO line is written back to stderr afterwards. An explicit
  ``TF_CPP_MIN_LOG_LEVEL=0`` keeps every log line.

Never raises: a notebook runs the same when any of this cannot be done.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
import warnings

KERAS_INPUT_SHAPE_WARNING = re.escape("Do not pass an `input_shape`/`input_dim` argument to a layer")
#: absl lines TensorFlow writes at import whatever TF_CPP_MIN_LOG_LEVEL says: the preamble and INFO lines
TF_IMPORT_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|I\d{4} [\d:.]+\s+\d+ \S+:\d+\] .*)\r?\n?$")


def quiet_frameworks() -> None:
    try:
        warnings.filterwarnings("ignore", message=KERAS_INPUT_SHAPE_WARNING, category=UserWarning,
                                module=r"keras(\.|$)")
        if "tensorflow" in sys.modules:
            return
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        if os.environ["TF_CPP_MIN_LOG_LEVEL"].strip() not in ("", "0") \
                and not any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path):
            sys.meta_path.insert(0, _QuietTensorFlowImport())
    except Exception:  # quieter output is a nicety
        pass


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the first import of ``tensorflow`` in ``_without_import_logs``."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)  # once, and so that the search below does not find us again
        try:
            spec = importlib.util.find_spec(name)
            loader = spec.loader if spec is not None else None
            run = getattr(loader, "exec_module", None)
            if loader is None or run is None:
                return spec
        except Exception:
            return None

        def exec_module(module):
            with _without_import_logs():
                run(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # on this spec's own loader object only
        return spec


@contextlib.contextmanager
def _without_import_logs():
    """Send file descriptor 2 to a file while the block runs; then write back what is not noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        tmp = tempfile.TemporaryFile()
        os.dup2(tmp.fileno(), 2)
    except Exception:
        yield
        return
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        try:
            tmp.seek(0)
            lines = tmp.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not TF_IMPORT_NOISE.match(line))
            if kept:
                os.write(2, kept.encode("utf-8"))
        finally:
            tmp.close()
