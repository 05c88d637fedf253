"""Upright: a calm workplace ergonomics break agent."""

__version__ = "0.1.0"
