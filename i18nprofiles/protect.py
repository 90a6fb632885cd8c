"""Moved: this module is an alias of ``i18nprofiles.mt.protect``, kept for one release."""

import warnings

from i18nprofiles.mt.protect import *  # noqa: F403

warnings.warn("i18nprofiles.protect moved to i18nprofiles.mt.protect; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
