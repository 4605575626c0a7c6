"""Exchange build numbers (as OWA's X-OWA-Version header shows them) to product versions."""

from __future__ import annotations

import re

# Major.minor of the build -> product; Exchange Server SE keeps 15.2 (builds from 15.2.2562).
_PRODUCTS = {(14,): "2010", (15, 0): "2013", (15, 1): "2016", (15, 2): "2019"}
# ASCII digits only and at most 9 of them: \d would take Arabic-Indic digits, and int() refuses 5,000 of them.
_BUILD = re.compile(r"^\s*([0-9]{1,9})\.([0-9]{1,9})(?:\.([0-9]{1,9}))?(?:\.([0-9]{1,9}))?\s*$")


def product_for_build(build: str) -> str | None:
    """'15.1.2507.6' -> '2016'; None when the text is not an Exchange build number we know."""
    match = _BUILD.match(build)
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    return _PRODUCTS.get((major, minor)) or _PRODUCTS.get((major,))


def is_exchange_se(build: str) -> bool:
    match = _BUILD.match(build)
    return bool(match and (int(match.group(1)), int(match.group(2))) == (15, 2)
                and match.group(3) is not None and int(match.group(3)) >= 2562)
