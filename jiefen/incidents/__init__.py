"""Repeats and same-incident groups, and group-dispute bursts (群体性)."""
