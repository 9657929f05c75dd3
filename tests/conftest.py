"""Shared test set-up.

pytest puts this directory on ``sys.path`` because this file is here (the ``prepend`` import mode),
so test modules in subdirectories (``tests/hostile/``) import the helpers beside it:
``from _serve import Server``.
"""
