"""shadowtrace: find the hidden lifelines of sanctioned states in raw public data."""

__version__ = "0.1.0"
