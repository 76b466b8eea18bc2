"""Low-level codes (rule 2): an item is netted only after every item that uses it.

The low-level code of an item is the length of the longest path from any top item down
to it. Computed breadth-first over whole levels at once (Kahn's algorithm on the parent
→ child edges), which also finds cycles: whatever is never freed lies on or below one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class BomCycleError(ValueError):
    """The BOM has a cycle; ``items`` lists one cycle in order."""

    def __init__(self, items: list[str]):
        self.items = items
        super().__init__("BOM cycle: " + " -> ".join(items + items[:1]))


def low_level_codes(item_ids: pd.Series, bom: pd.DataFrame) -> pd.Series:
    """Low-level code per item (index: item_id). Raises BomCycleError on a cycle."""
    ids = pd.Index(item_ids.astype(str).unique())
    edges = bom[["parent_id", "child_id"]].drop_duplicates()
    parent = ids.get_indexer(edges["parent_id"])
    child = ids.get_indexer(edges["child_id"])
    keep = (parent >= 0) & (child >= 0)
    parent, child = parent[keep], child[keep]

    indegree = np.bincount(child, minlength=len(ids))
    level = np.zeros(len(ids), dtype=np.int64)
    order = np.argsort(parent, kind="stable")
    parent_sorted, child_sorted = parent[order], child[order]
    starts = np.searchsorted(parent_sorted, np.arange(len(ids) + 1))

    frontier = np.flatnonzero(indegree == 0)
    done = 0
    depth = 0
    while frontier.size:
        done += frontier.size
        level[frontier] = depth
        spans = [child_sorted[starts[p]:starts[p + 1]] for p in frontier]
        children = np.concatenate(spans) if spans else np.empty(0, dtype=np.int64)
        np.subtract.at(indegree, children, 1)
        frontier = np.unique(children[indegree[children] == 0])
        depth += 1
    if done < len(ids):
        raise BomCycleError(find_cycle(ids, parent, child, indegree > 0))
    return pd.Series(level, index=ids, name="level")


def find_cycle(ids: pd.Index, parent: np.ndarray, child: np.ndarray, stuck: np.ndarray) -> list[str]:
    """One cycle among the items Kahn's algorithm could not free, as item ids in order.

    Every stuck item still has a stuck parent, so walking up parents must repeat an item.
    """
    preds: dict[int, list[int]] = {}
    for p, c in zip(parent, child):
        if stuck[p] and stuck[c]:
            preds.setdefault(int(c), []).append(int(p))
    node = min(preds, key=lambda i: ids[i])
    path: list[int] = []
    seen: dict[int, int] = {}
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(preds[node], key=lambda i: ids[i])
    cycle = path[seen[node]:][::-1]
    first = min(range(len(cycle)), key=lambda i: ids[cycle[i]])
    return [str(ids[i]) for i in cycle[first:] + cycle[:first]]
