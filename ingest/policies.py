"""Reading a policy text safely: present, not too large, not binary, UTF-8."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ropakg.errors import PolicyError

MAX_POLICY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PolicyFile:
    path: Path
    text: str
    sha256: str


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """A policy file's bytes, or :class:`PolicyError`: missing, not a file, too large, unreadable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PolicyError("policy file not found", file=path) from None
    if not path.is_file():
        raise PolicyError("policy path is not a file", file=path)
    if size > max_bytes:
        raise PolicyError(f"policy file is too large ({size:,} bytes; limit {max_bytes:,})", file=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy: {exc.strerror}", file=path) from None


def read_policy(path: str | Path, *, max_bytes: int = MAX_POLICY_BYTES) -> PolicyFile:
    """Read a UTF-8 policy text, or raise :class:`PolicyError` naming the file and cause.

    A BOM is dropped; the text is otherwise kept exactly (offsets count from here).
    """
    path = Path(path)
    raw = read_bytes(path, max_bytes)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise PolicyError("policy file is binary (NUL byte), not text", file=path, line=line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError(
            f"policy is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            file=path,
            line=line,
        ) from None
    text = text.removeprefix("\ufeff")
    return PolicyFile(path=path, text=text, sha256=hashlib.sha256(raw).hexdigest())
