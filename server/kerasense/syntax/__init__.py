"""Parsing source text and resolving the names it uses to Keras's own names."""
