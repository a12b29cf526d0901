"""IMO ship identification numbers (IMO resolution A.1078(28)): seven digits, the last a check digit."""

from __future__ import annotations


def imo_check_digit(head: int) -> int:
    """The check digit of the six leading digits ``head``: their sum weighted 7, 6, 5, 4, 3, 2, modulo 10."""
    return sum(int(d) * w for d, w in zip(f"{head:06d}", range(7, 1, -1), strict=True)) % 10


def valid_imo(imo: int) -> bool:
    """Whether ``imo`` is a valid IMO number (``9074729`` is)."""
    return 1_000_000 <= imo <= 9_999_999 and imo_check_digit(imo // 10) == imo % 10
