"""learnkit: auto-graded deep-learning exercises for Jupyter.

Students: ``from learnkit.core import binder; binder.bind(globals())`` then
``from checkers.<course>.<exercise> import *``.
"""

__version__ = "0.1.0"
