"""Moved: this module is an alias of ``i18nprofiles.commands.prefill``, kept for one release."""

import warnings

from i18nprofiles.commands.prefill import *  # noqa: F403

warnings.warn("i18nprofiles.prefill moved to i18nprofiles.commands.prefill; this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
