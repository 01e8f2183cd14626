"""Errors that stop the pack before it serves: bad exemptions file, bad environment.

The engine starts the pack as a plugin; ``policies/__main__.py`` prints these as one
line and exits, and the offline preview turns them into its own bad-input error
(exit 2), so both say the same thing.
"""

from __future__ import annotations


class PackConfigError(ValueError):
    """Input the pack reads at start-up is invalid; the message names the file or variable."""
