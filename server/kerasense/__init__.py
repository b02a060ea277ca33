"""Kerasense: static checks for Keras models, from source text to findings with fixes."""

__version__ = "0.1.0"
