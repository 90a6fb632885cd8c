"""Moved: this module is an alias of ``i18nprofiles.mt.engines``, kept for one release."""

import warnings

from i18nprofiles.mt.engines import *  # noqa: F403

warnings.warn("i18nprofiles.engines moved to i18nprofiles.mt.engines; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
