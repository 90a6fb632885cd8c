"""Moved: this module is an alias of ``i18nprofiles.commands.compile``, ``i18nprofiles.gettext.stats``, ``i18nprofiles.gettext.mofile``, kept for one release."""

import warnings

from i18nprofiles.commands.compile import *  # noqa: F403
from i18nprofiles.gettext.mofile import *  # noqa: F403
from i18nprofiles.gettext.stats import *  # noqa: F403

warnings.warn("i18nprofiles.compile moved to i18nprofiles.commands.compile; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
