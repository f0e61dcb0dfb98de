"""Batch grading: ``learnkit grade`` (grade.py) runs submissions on kernels (kernels.py) into the
SQLite gradebook (gradebook.py); standing.py applies the class's rules (who is who, which
submission counts, overrides, lateness, flags) and exports.py, report.py and console.py show it.
"""
from learnkit.grading.exports import export
from learnkit.grading.grade import Batch, Options, Outcome, grade, summary_table
from learnkit.grading.gradebook import Gradebook

__all__ = ["Batch", "Gradebook", "Options", "Outcome", "export", "grade", "summary_table"]
