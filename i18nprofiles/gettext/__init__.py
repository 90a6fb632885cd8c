"""Gettext catalogue formats: reading and writing .po files."""
