"""Batch grading: ``learnkit grade`` (grade.py), its resource limits (limits.py), the SQLite gradebook.

The HTML reports (report.py, when present) read only the gradebook.
"""
from learnkit.grading.gradebook import Gradebook, export
from learnkit.grading.grade import Batch, Options, Outcome, grade, summary_table

__all__ = ["Batch", "Gradebook", "Options", "Outcome", "export", "grade", "summary_table"]
