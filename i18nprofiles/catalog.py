"""Moved: this module is an alias of ``i18nprofiles.gettext.pofile``, kept for one release."""

import warnings

from i18nprofiles.gettext.pofile import *  # noqa: F403

warnings.warn("i18nprofiles.catalog moved to i18nprofiles.gettext.pofile; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
