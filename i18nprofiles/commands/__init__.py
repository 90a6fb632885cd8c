"""The operations behind the command line: they read inputs, run stages through the store, write outputs.

These modules are the only callers of ``i18nprofiles.store``.
"""
