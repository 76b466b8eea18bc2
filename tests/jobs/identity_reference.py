"""The stable-id matching rule written directly, line by line in Python: the reference the
compiled matcher in ``jobs.identity`` is compared with."""

from __future__ import annotations

import pandas as pd


def reference_match(previous: pd.DataFrame, new: pd.DataFrame, *, key: list[str], date: str, id_column: str,
                    retired: set[str]) -> list[str | None]:
    """The rule of ``jobs.identity``'s docstring: same-date pairs first, then repeatedly the
    closest neighbouring previous/new pair of a group's date-sorted list."""
    out: list[str | None] = [None] * len(new)
    olds = sorted((str(r[id_column]), tuple(str(r[c]) for c in key), _day(r[date]))
                  for _, r in previous.iterrows() if str(r[id_column]) not in retired)
    news = [(n, tuple(str(r[c]) for c in key), _day(r[date])) for n, (_, r) in enumerate(new.iterrows())]
    taken: set[str] = set()
    for n, k, d in news:  # same date: the k-th previous line (by id) with the k-th new one (plan order)
        for ident, ok, od in olds:
            if ok == k and od == d and ident not in taken:
                out[n], _ = ident, taken.add(ident)
                break
    groups: dict[tuple, list[tuple]] = {}
    for ident, k, d in olds:
        if ident not in taken:
            groups.setdefault(k, []).append((d, 0, ident, -1))
    for n, k, d in news:
        if out[n] is None and k in groups:
            groups[k].append((d, 1, "", n))
    for entries in groups.values():
        entries.sort()
        alive = list(range(len(entries)))
        while True:
            pairs = [(abs(entries[b][0] - entries[a][0]), x) for x, (a, b) in enumerate(zip(alive, alive[1:]))
                     if entries[a][1] != entries[b][1]]
            if not pairs:
                break
            _, x = min(pairs)
            a, b = alive[x], alive[x + 1]
            old, fresh = (entries[a], entries[b]) if entries[a][1] == 0 else (entries[b], entries[a])
            out[fresh[3]] = old[2]
            del alive[x:x + 2]
    return out


def _day(value) -> int:
    stamp = pd.Timestamp(value)
    return 10**15 if pd.isna(stamp) else stamp.toordinal()
