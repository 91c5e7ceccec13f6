"""Writing a file so that no reader ever sees half of it.

The build, exports, drafts and the kept summary are written to a temporary file beside
the target and renamed over it only when complete: a failure (or Ctrl-C) leaves the
previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` with a temporary path beside ``target``, then rename it over
    ``target`` (readable by all, like a normal file); on any error the temporary file is
    removed and the error raised."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
