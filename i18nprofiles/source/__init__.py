"""Profiles → segments: finding profile files, parsing them, and the message template they make."""
