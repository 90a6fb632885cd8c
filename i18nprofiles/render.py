"""Moved: this module is an alias of ``i18nprofiles.commands.render``, ``i18nprofiles.site.pages``, ``i18nprofiles.pipeline``, kept for one release."""

import warnings

from i18nprofiles.commands.render import *  # noqa: F403
from i18nprofiles.pipeline import *  # noqa: F403
from i18nprofiles.site.pages import *  # noqa: F403

warnings.warn("i18nprofiles.render moved to i18nprofiles.commands.render; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
