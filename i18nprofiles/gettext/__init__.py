"""Catalogue formats and algorithms: .po reading and writing, .mo encoding, merging, fuzzy matching, counts."""
