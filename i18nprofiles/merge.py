"""Moved: this module is an alias of ``i18nprofiles.commands.update``, ``i18nprofiles.gettext.merge``, ``i18nprofiles.paths``, kept for one release."""

import warnings

from i18nprofiles.commands.update import *  # noqa: F403
from i18nprofiles.gettext.merge import *  # noqa: F403
from i18nprofiles.paths import *  # noqa: F403

warnings.warn("i18nprofiles.merge moved to i18nprofiles.commands.update; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
