"""Moved: this module is an alias of ``i18nprofiles.commands.profiles``, ``i18nprofiles.source.parse``, ``i18nprofiles.source.discover``, kept for one release."""

import warnings

from i18nprofiles.commands.profiles import *  # noqa: F403
from i18nprofiles.source.discover import *  # noqa: F403
from i18nprofiles.source.parse import *  # noqa: F403

warnings.warn("i18nprofiles.profiles moved to i18nprofiles.commands.profiles; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
