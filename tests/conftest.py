import os
import sys
from pathlib import Path

import pytest

# nbgrader and otter assignments the importer tests read: other tools' sources, not learnkit notebooks to run.
collect_ignore_glob = ["support/lms/*.ipynb"]

# The tests' shared helpers (repo.ROOT, browser, grading_fixtures) are imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "agg")


@pytest.fixture(autouse=True)
def _private_progress_log(tmp_path, monkeypatch):
    """Every test writes its progress log to its own file, never to the user's."""
    monkeypatch.setenv("LEARNKIT_PROGRESS", str(tmp_path / "progress.jsonl"))
