"""Keep None, True and False alive under PySide6 6.12 on CPython 3.11 (a binding reference bug).

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call of a PySide method that
returns nothing hands back None without the reference it owes, and `Signal.emit()` does the same
with True. Each call lowers the reference count of the shared None/True object by one; a GUI makes
thousands of such calls a minute, so after a while CPython aborts with "none_dealloc: deallocating
None". PySide6 6.11.3 is not affected, and CPython 3.12 made these objects immortal, which hides it.

`guard()` gives the three singletons the same protection 3.12 gives them: a reference count so
large that no number of missing references can bring it to zero. They are never freed anyway (the
interpreter owns them), so the only effect is on what sys.getrefcount() reports for them.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40  # about 10^12 calls; a count that cannot be reached by stray decrements
_guarded = False


def needed() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    try:
        import PySide6
    except ImportError:
        return False
    return PySide6.__version__.startswith("6.12")


def guard() -> bool:
    """Apply once per process; returns whether the protection was applied."""
    global _guarded
    if _guarded or not needed():
        return _guarded
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every PyObject in CPython 3.11.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _MARGIN
    _guarded = True
    return True
