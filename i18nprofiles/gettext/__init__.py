"""Catalogue formats and algorithms: pure functions over catalogues, no caching, no I/O."""
