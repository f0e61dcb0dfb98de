"""Authoring: one jupytext text source per exercise -> exercise, solution and author-test notebooks."""
from learnkit.authoring.build import (VARIANTS, BuildReport, build, derive, derived_paths, find_sources,
                                      read_source)

__all__ = ["VARIANTS", "BuildReport", "build", "derive", "derived_paths", "find_sources", "read_source"]
