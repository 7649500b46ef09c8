"""Deprecated name of `autograd_mini.serialization`; use `autograd_mini.save` / `load`.

`from autograd_mini import io` hides the standard library's `io` in the
importing module, so the functions moved to `autograd_mini.serialization` and
to the package top level. This module keeps old imports working for one more
release and warns with a DeprecationWarning when imported.
"""

from __future__ import annotations

import warnings

from autograd_mini.serialization import FORMAT, VERSION, load, save

__all__ = ["FORMAT", "VERSION", "load", "save"]

warnings.warn(
    "autograd_mini.io is deprecated and will be removed in the next release; "
    "use autograd_mini.save / autograd_mini.load (or autograd_mini.serialization)",
    DeprecationWarning,
    stacklevel=2,
)
