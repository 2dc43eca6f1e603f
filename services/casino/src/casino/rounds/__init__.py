"""Rounds as operators see them: reading one, expiring those left open, and reports."""
