"""Paths the tests share: the checkout's root and the tests' support files (on sys.path through tests/conftest.py)."""
from pathlib import Path

SUPPORT = Path(__file__).resolve().parent
TESTS = SUPPORT.parent
ROOT = TESTS.parent
LMS = SUPPORT / "lms"  # the nbgrader/otter example assignments and the Canvas/Gradescope golden files
