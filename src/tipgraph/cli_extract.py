"""The ``tipgraph extract``, ``review``, ``ingest`` and ``retract`` commands (hooked into
:func:`tipgraph.cli.build_parser`): press releases into reviewed candidate facts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the extraction commands to the top-level parser."""
