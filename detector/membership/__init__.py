"""Membership: likelihood scores of originals and variants (Min-K%, Min-K%++) and the signal."""

from detector.membership.table import membership_from_table, membership_rows

__all__ = ["membership_from_table", "membership_rows"]
