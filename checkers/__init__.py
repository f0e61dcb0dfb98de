"""Course content: one module per exercise, importable as ``checkers.<course>.<exercise>``."""
