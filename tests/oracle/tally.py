"""Counts the oracle tests add up as they run, printed at the end of the session."""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()
"""Keys are ``"group: what"``; the terminal summary prints them grouped and sorted."""


def add(key: str, amount: int = 1) -> None:
    COUNTS[key] += amount


def lines() -> list[str]:
    return [f"{key} = {COUNTS[key]}" for key in sorted(COUNTS)]
