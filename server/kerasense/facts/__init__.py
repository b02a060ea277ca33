"""Model facts read statically from a syntax tree: layers, heads, losses, labels, data."""
