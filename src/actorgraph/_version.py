"""The single source of actorgraph's version."""

__version__ = "0.1.0"
