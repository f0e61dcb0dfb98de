import os

import pytest

# nbgrader and otter assignments the importer tests read: other tools' sources, not learnkit notebooks to run.
collect_ignore_glob = ["lms/*.ipynb"]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "agg")


@pytest.fixture(autouse=True)
def _private_progress_log(tmp_path, monkeypatch):
    """Every test writes its progress log to its own file, never to the user's."""
    monkeypatch.setenv("LEARNKIT_PROGRESS", str(tmp_path / "progress.jsonl"))
