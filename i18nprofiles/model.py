"""Moved: this module is an alias of ``i18nprofiles.source.model``, kept for one release."""

import warnings

from i18nprofiles.source.model import *  # noqa: F403

warnings.warn("i18nprofiles.model moved to i18nprofiles.source.model; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
