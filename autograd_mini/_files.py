"""Every file the package writes or reads goes through here: whole, in place, bounded.

Writing (`write_atomic`, `write_all`): the content goes into a new temporary
file with a unique name in the target's own directory, is flushed to disk, and
is renamed over the target, so a reader sees the old file or the new one,
never half of one, and a failed or interrupted write leaves no temporary file.
What is at the path is respected:

- a symlink is written through: its target gets the new content, the link stays;
- an existing file keeps its permission bits (a 0600 file stays private);
  a new file gets the mode a plain ``open()`` would give it (0666 less the umask);
- a directory, FIFO, device or socket is refused (a rename would replace it,
  and opening a FIFO would wait for a reader forever);
- every error reads "WHO: cannot write 'PATH': REASON" with the caller's path,
  never the temporary name.

Two processes or threads writing the same path each rename a complete file:
the last rename wins and the file is always one whole version.

Reading (`read_limited`): a file that is not a regular file, or that is larger
than the caller's limit, is refused before a byte is read.

Imports nothing from the package.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
>>> write_atomic(path, "hello", "save")
>>> read_limited(path, "load", limit=100)
b'hello'
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Sequence
from typing import Union

__all__ = [
    "PathLike",
    "check_destination",
    "read_limited",
    "same_file",
    "write_all",
    "write_atomic",
]

PathLike = Union[str, "os.PathLike[str]"]

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def write_atomic(path: PathLike, content: str | bytes, who: str) -> None:
    """Write `content` (text as UTF-8, or bytes) to `path`, all of it or nothing.

    `who` starts every error message ("save: ...", "Animation.save: ...").

    Raises:
        FileNotFoundError, NotADirectoryError: the directory of `path` is
            missing or not a directory.
        IsADirectoryError: `path` is a directory.
        OSError: `path` is a FIFO, device or socket, or the file cannot be
            written (the message names `path` and the reason).
    """
    write_all([(path, content)], who)


def write_all(files: Sequence[tuple[PathLike, str | bytes]], who: str) -> None:
    """Write several files, all of them or none: every temporary file is
    written first, and only then are they renamed into place.

    A failure while writing (a full disk, a refused path) leaves every target
    as it was. Each rename is atomic; the renames together are not, but they
    do not write data and practically never fail once the files are written.
    """
    plans = [(_destination(os.fspath(path), who), _bytes(content)) for path, content in files]
    written: list[tuple[str, str, str]] = []  # (temporary, real target, caller's path)
    try:
        for (shown, real, mode), data in plans:
            written.append((_write_temporary(real, data, mode, shown, who), real, shown))
        for temporary, real, shown in written:
            try:
                os.replace(temporary, real)
            except OSError as e:
                raise _about(e, shown, who) from None
    except BaseException:
        for temporary, _, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise


def check_destination(path: PathLike, who: str) -> None:
    """Raise now the error `write_atomic(path, ...)` would raise about the path itself.

    For callers with slow content to make (a film), so a bad path fails at once.

    >>> check_destination("/no/such/dir/f.html", "Film.save")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: Film.save: cannot write '/no/such/dir/f.html': directory ... does not exist
    """
    _destination(os.fspath(path), who)


def read_limited(path: PathLike, who: str, limit: int) -> bytes:
    """The bytes of the regular file at `path`, if it holds at most `limit` bytes.

    Opened without blocking and checked before reading: a FIFO, a device such
    as /dev/zero, a directory or a file over `limit` raises ValueError naming
    `path`; a missing or unreadable file raises the usual OSError.
    """
    shown = os.fspath(path)
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(shown, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{who}: {shown!r} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise ValueError(
                f"{who}: {shown!r} is larger than {limit:,} bytes ({info.st_size:,}); not read"
            )
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        raise ValueError(f"{who}: {shown!r} is larger than {limit:,} bytes; not read")
    return data


def same_file(first: PathLike, second: PathLike) -> bool:
    """True if the two paths name one file (after symlinks), existing or not.

    >>> same_file("a/../b.svg", "b.svg")
    True
    """
    a, b = os.path.realpath(first), os.path.realpath(second)
    if a == b:
        return True
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    return False


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _destination(shown: str, who: str) -> tuple[str, str, int | None]:
    """(caller's path, the real file to replace, its permission bits if it exists)."""
    real = os.path.realpath(shown)  # through every symlink, to the file they name
    folder = os.path.dirname(real)
    if not os.path.exists(folder):
        where = os.path.dirname(shown) or "."
        raise FileNotFoundError(
            f"{who}: cannot write {shown!r}: directory {where!r} does not exist"
        )
    if not os.path.isdir(folder):
        where = os.path.dirname(shown) or "."
        raise NotADirectoryError(f"{who}: cannot write {shown!r}: {where!r} is not a directory")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return shown, real, None
    except OSError as e:
        raise _about(e, shown, who) from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"{who}: cannot write {shown!r}: it is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(
            f"{who}: cannot write {shown!r}: it is {_kind(info.st_mode)}, not a regular file"
        )
    return shown, real, stat.S_IMODE(info.st_mode)


def _write_temporary(real: str, data: bytes, mode: int | None, shown: str, who: str) -> str:
    """A new file next to `real` holding `data` (flushed to disk); its path."""
    folder = os.path.dirname(real)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    while True:
        # A short name of our own (not derived from the target's, which may
        # already be 255 characters); O_EXCL never opens a file planted there.
        temporary = os.path.join(folder, f".autograd-mini-{secrets.token_hex(8)}.tmp")
        try:
            # 0o666: the kernel applies the umask, as for a plain open().
            fd = os.open(temporary, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as e:
            raise _about(e, shown, who) from None
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(e, OSError):
            raise _about(e, shown, who) from None
        raise
    return temporary


def _about(error: OSError, shown: str, who: str) -> OSError:
    """The same kind of OSError, saying what failed about the caller's path."""
    reason = error.strerror or str(error)
    return type(error)(f"{who}: cannot write {shown!r}: {reason}")


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")
