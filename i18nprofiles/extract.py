"""Moved: this module is an alias of ``i18nprofiles.commands.extract``, ``i18nprofiles.source.template``, ``i18nprofiles.paths``, kept for one release."""

import warnings

from i18nprofiles.commands.extract import *  # noqa: F403
from i18nprofiles.paths import *  # noqa: F403
from i18nprofiles.source.template import *  # noqa: F403

warnings.warn("i18nprofiles.extract moved to i18nprofiles.commands.extract; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
