"""Moved: this module is an alias of ``i18nprofiles.site.theme``, ``i18nprofiles.commands.messages``, kept for one release."""

import warnings

from i18nprofiles.commands.messages import *  # noqa: F403
from i18nprofiles.site.theme import *  # noqa: F403

warnings.warn("i18nprofiles.theme moved to i18nprofiles.site.theme; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
