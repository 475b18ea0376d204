"""Sideline: injury surveillance for sports teams."""

__version__ = "0.1.0"
