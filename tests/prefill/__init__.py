"""Fixtures of the machine pre-fill tests."""
