"""Write a file atomically: all of it or nothing, under the caller's name in errors.

`write_atomic` writes into a temporary file in the target's directory and
renames it over the target, so readers see the old file or the new one, never
half of one, and a failed write leaves no temporary file behind. `io.save`
(models) and the pictures and films of `autograd_mini.viz` all write this way.

Imports nothing from the package.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
>>> write_atomic(path, "hello", "save")
>>> with open(path, encoding="utf-8") as f:
...     f.read()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Union

__all__ = ["PathLike", "check_destination", "write_atomic"]

PathLike = Union[str, "os.PathLike[str]"]


def write_atomic(path: PathLike, content: str | bytes, who: str) -> None:
    """Write `content` (text as UTF-8, or bytes) to `path` atomically.

    `who` starts every error message ("save: ...", "Film.save: ...").

    Raises:
        FileNotFoundError, NotADirectoryError, IsADirectoryError: the directory
            of `path` is missing or not a directory, or `path` is a directory.
        OSError: the file cannot be written; the message names `path`.
    """
    target = os.fspath(path)
    check_destination(target, who)
    directory = os.path.dirname(os.path.abspath(target))
    data = content.encode("utf-8") if isinstance(content, str) else content
    # Temp file in the same directory, so the final rename stays on one file
    # system and is atomic.
    try:
        fd, temp_path = tempfile.mkstemp(prefix=".autograd-mini-", suffix=".tmp", dir=directory)
    except OSError as e:
        raise _about_target(e, target, who) from None
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp creates the file private (0600); give it the mode a plain
            # open() would have, so the file is as readable as any other.
            os.chmod(temp_path, 0o666 & ~_current_umask())
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp_path, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
        # The temp file's name means nothing to the caller: name their path instead.
        if isinstance(e, OSError) and temp_path in (e.filename, e.filename2):
            raise _about_target(e, target, who) from None
        raise


def check_destination(target: str, who: str) -> None:
    """Fail early, with the errors `write_atomic` would raise, when `target` cannot be a file."""
    shown = os.path.dirname(target) or "."
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.exists(parent):
        raise FileNotFoundError(f"{who}: directory {shown!r} does not exist")
    if not os.path.isdir(parent):
        raise NotADirectoryError(f"{who}: {shown!r} is not a directory")
    if os.path.isdir(target):
        raise IsADirectoryError(f"{who}: {target!r} is a directory, not a file")


def _about_target(error: OSError, target: str, who: str) -> OSError:
    """The same kind of OSError, saying what failed about the caller's path."""
    reason = error.strerror or str(error)
    return type(error)(f"{who}: cannot write {target!r}: {reason}")


def _current_umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
