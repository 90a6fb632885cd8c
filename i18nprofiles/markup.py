"""Moved: this module is an alias of ``i18nprofiles.site.markup``, kept for one release."""

import warnings

from i18nprofiles.site.markup import *  # noqa: F403

warnings.warn("i18nprofiles.markup moved to i18nprofiles.site.markup; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
