"""Moved: this module is an alias of ``i18nprofiles.gettext.matcher``, kept for one release."""

import warnings

from i18nprofiles.gettext.matcher import *  # noqa: F403

warnings.warn("i18nprofiles.matcher moved to i18nprofiles.gettext.matcher; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
