"""Text edits for fixes: small, syntax-aware changes that keep the file valid Python."""
