"""Putting a freshly built store directory into place."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_directory(new: Path, target: Path) -> None:
    """Move a freshly built store directory into place, keeping the old one until the move succeeded."""
    backup = target.with_name(target.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.replace(target, backup)
    os.replace(new, target)
    if backup.exists():
        shutil.rmtree(backup)
