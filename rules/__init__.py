"""Kerasense's rule knowledge as TOML data; this file only makes the folder a package."""
