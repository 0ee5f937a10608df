"""moto's random strings (every answer's request id) drawn from the same generator in a few calls, not 52.

moto's `MotoRandom.get_random_string(length)` picks each character with `Random.choice`: one Python-level
`_randbelow` per character, each taking `getrandbits(6)` (the top 6 bits of one 32-bit Mersenne Twister
word) until it is below the pool size. Every moto answer carries a 52-character request id made that way.

`random_string` takes the same words from the same generator with one `getrandbits(32 * n)` (n words, in
order, the first in the lowest bits), maps each word's top byte to its character with `bytes.translate`
(a rejected draw maps to nothing), and draws again only for the rejected ones. It answers the very string
moto would, and leaves the generator in the very state moto would: a seeded moto (`/moto-api/seed`) still
answers the same ids.

Installed by `install()` only on the moto version it was written against (`server_app.MOTO_VERSION`);
`tests/unit/cloud/aws_state/test_moto_random_strings.py` pins the code it stands in for.

Example:
    >>> from moto.moto_api._internal.moto_random import MotoRandom
    >>> theirs, ours = MotoRandom(7), MotoRandom(7)
    >>> random_string(ours, 52) == theirs.get_random_string(52) and ours.getstate() == theirs.getstate()
    True
"""

from __future__ import annotations

import string
from typing import Any

from fogbank.cloud.aws_state.server_app import MOTO_VERSION

__all__ = ["install", "random_string", "stood_in_for"]

_REJECTED = 0  # the byte a rejected draw maps to (no pool character is NUL)
_tables: dict[str, bytes] = {}
_original: Any = None


def _table(pool: str) -> bytes:
    """Top byte of a 32-bit word -> the pool character `choice` picks from `getrandbits(k)` of that word."""
    found = _tables.get(pool)
    if found is None:
        shift = 8 - len(pool).bit_length()
        found = bytes(
            ord(pool[top >> shift]) if (top >> shift) < len(pool) else _REJECTED for top in range(256)
        )
        _tables[pool] = found
    return found


def random_string(
    generator: Any, length: int = 20, include_digits: bool = True, lower_case: bool = False
) -> str:
    """`MotoRandom.get_random_string(length, include_digits, lower_case)` of `generator`, same string and
    same generator state afterwards."""
    pool = string.ascii_letters + string.digits if include_digits else string.ascii_letters
    table = _table(pool)
    getrandbits = generator.getrandbits
    pieces: list[bytes] = []
    needed = length
    while needed > 0:
        words = getrandbits(32 * needed).to_bytes(4 * needed, "little")
        accepted = words[3::4].translate(table).replace(b"\x00", b"")
        pieces.append(accepted)
        needed -= len(accepted)
    text = b"".join(pieces).decode("ascii")
    return text.lower() if lower_case else text


def install() -> None:
    """Make moto's `MotoRandom.get_random_string` draw as `random_string` does (idempotent; only on moto
    `MOTO_VERSION`, and only while `choice` draws with `getrandbits` as written against)."""
    global _original
    import random

    import moto
    from moto.moto_api._internal.moto_random import MotoRandom

    if _original is not None or moto.__version__ != MOTO_VERSION:
        return
    if MotoRandom._randbelow is not random.Random._randbelow_with_getrandbits:  # type: ignore[attr-defined]
        return
    _original = MotoRandom.get_random_string
    MotoRandom.get_random_string = random_string  # type: ignore[method-assign,assignment]


def stood_in_for() -> list[Any]:
    """The code `random_string` answers for (tests pin its source)."""
    import random

    from moto.moto_api._internal.moto_random import MotoRandom

    return [
        MotoRandom.get_random_string if _original is None else _original,
        random.Random.choice,
        random.Random._randbelow_with_getrandbits,  # type: ignore[attr-defined]
    ]
