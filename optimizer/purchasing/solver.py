"""A sparse linear (mixed-integer) program and the solvers that run it.

The model is built as arrays (numpy, row-wise), not as solver objects: building 10^6
columns through PuLP's Python objects takes minutes, through arrays a second. HiGHS
(highspy) solves it directly; CBC through PuLP is the fallback when HiGHS is missing or
fails (see docs/purchasing.md, "Solver choice"). Every run has a time limit, and the
outcome says whether values may be read.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

log = logging.getLogger(__name__)
#: Set to True to see HiGHS's own log (diagnosing a slow block).
HIGHS_LOG = False


@dataclass
class MatrixBuilder:
    """Collects columns and row coefficients of one program, in blocks of numpy arrays."""

    _cost: list[np.ndarray] = field(default_factory=list)
    _lb: list[np.ndarray] = field(default_factory=list)
    _ub: list[np.ndarray] = field(default_factory=list)
    _integer: list[np.ndarray] = field(default_factory=list)
    _row_lo: list[np.ndarray] = field(default_factory=list)
    _row_hi: list[np.ndarray] = field(default_factory=list)
    _rows: list[np.ndarray] = field(default_factory=list)
    _cols: list[np.ndarray] = field(default_factory=list)
    _vals: list[np.ndarray] = field(default_factory=list)
    num_cols: int = 0
    num_rows: int = 0

    def add_cols(self, cost: np.ndarray | float, lb: np.ndarray | float, ub: np.ndarray | float,
                 count: int | None = None, integer: bool = False) -> np.ndarray:
        """Adds ``count`` columns (or as many as ``cost`` has); returns their indices."""
        n = len(cost) if count is None else count
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)))
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)))
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)))
        self._integer.append(np.full(n, integer))
        index = np.arange(self.num_cols, self.num_cols + n)
        self.num_cols += n
        return index

    def add_rows(self, lo: np.ndarray | float, hi: np.ndarray | float, count: int) -> np.ndarray:
        self._row_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (count,)))
        self._row_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (count,)))
        index = np.arange(self.num_rows, self.num_rows + count)
        self.num_rows += count
        return index

    def add_coefs(self, rows: np.ndarray | int, cols: np.ndarray, vals: np.ndarray | float) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self._rows.append(np.broadcast_to(np.asarray(rows, dtype=np.int64), cols.shape).ravel())
        self._cols.append(cols.ravel())
        self._vals.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape).ravel())

    def build(self) -> Program:
        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        rows, cols, vals = cat(self._rows, np.int64), cat(self._cols, np.int64), cat(self._vals, float)
        order = np.lexsort((cols, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        start = np.zeros(self.num_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.num_rows), out=start[1:])
        return Program(
            cost=cat(self._cost, float), lb=cat(self._lb, float), ub=cat(self._ub, float),
            integer=cat(self._integer, bool), row_lo=cat(self._row_lo, float), row_hi=cat(self._row_hi, float),
            start=start, index=cols, value=vals,
        )


@dataclass(frozen=True)
class Program:
    """min cost·x  s.t.  row_lo <= A x <= row_hi,  lb <= x <= ub,  x integer where flagged (A row-wise)."""

    cost: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray

    @property
    def num_cols(self) -> int:
        return len(self.cost)

    def relaxation(self) -> Program:
        """The same program with every integrality dropped: its optimum bounds the program's."""
        return replace(self, integer=np.zeros_like(self.integer))

    @property
    def num_rows(self) -> int:
        return len(self.row_lo)


@dataclass(frozen=True)
class Outcome:
    """What a solver run gave: ``values`` only when a feasible solution exists."""

    solver: str
    status: str  # optimal / work_limit (node budget) / time_limit (wall clock) / infeasible / error / ...
    values: np.ndarray | None
    objective: float
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        if self.values is None or not math.isfinite(self.bound):
            return math.inf
        return max(self.objective - self.bound, 0.0) / max(abs(self.objective), 1e-9)


def solve(program: Program, time_limit_s: float, mip_gap: float,
          start: tuple[np.ndarray, np.ndarray] | None = None, max_nodes: int | None = None) -> Outcome:
    """HiGHS first (seeded with the partial solution ``start``, if any); CBC when HiGHS is unavailable or errs.

    ``max_nodes`` bounds the branch-and-bound work: a run it stops ends ``work_limit`` and,
    unlike one the ``time_limit_s`` safety net stops, ends the same way on every machine.
    """
    try:
        outcome = _solve_highs(program, time_limit_s, mip_gap, start, max_nodes)
    except ImportError:
        outcome = None
    if outcome is None or outcome.status == "error":
        log.warning("HiGHS unavailable or failed; solving with CBC")
        return _solve_cbc(program, time_limit_s, mip_gap)
    return outcome


_HIGHS_STATUS = {
    "kOptimal": "optimal", "kTimeLimit": "time_limit", "kInfeasible": "infeasible",
    "kUnbounded": "unbounded", "kUnboundedOrInfeasible": "infeasible", "kModelEmpty": "optimal",
    "kIterationLimit": "work_limit", "kSolutionLimit": "work_limit", "kInterrupt": "interrupted",
    "kObjectiveBound": "objective_bound", "kObjectiveTarget": "objective_target", "kMemoryLimit": "memory_limit",
}


def _solve_highs(program: Program, time_limit_s: float, mip_gap: float,
                 start: tuple[np.ndarray, np.ndarray] | None, max_nodes: int | None) -> Outcome:
    import highspy

    started = time.monotonic()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = program.num_cols, program.num_rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = program.cost, program.lb, program.ub
    lp.row_lower_, lp.row_upper_ = program.row_lo, program.row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = program.num_cols, program.num_rows
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = program.start, program.index, program.value
    is_mip = bool(program.integer.any())
    if is_mip:
        lp.integrality_ = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                           for flag in program.integer]
    # highspy.Highs (the Python wrapper) prints its banner while it is constructed, before any
    # option can be set; the bare solver class does not, and output_flag silences the rest.
    h = highspy._Highs()
    h.setOptionValue("output_flag", HIGHS_LOG)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.05))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if max_nodes is not None:
        h.setOptionValue("mip_max_nodes", int(max_nodes))
    if h.passModel(lp) == highspy.HighsStatus.kError:
        return Outcome("highs", "error", None, math.inf, -math.inf, time.monotonic() - started)
    if start is not None and is_mip and len(start[0]):
        h.setSolution(len(start[0]), start[0], start[1])
    h.run()
    status = _HIGHS_STATUS.get(h.getModelStatus().name, "error")
    info = h.getInfo()
    feasible = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if feasible else None
    objective = float(info.objective_function_value) if feasible else math.inf
    if is_mip:
        bound = float(info.mip_dual_bound)
    else:
        bound = objective if status == "optimal" else -math.inf
    return Outcome("highs", status, values, objective, bound, time.monotonic() - started)


def _solve_cbc(program: Program, time_limit_s: float, mip_gap: float) -> Outcome:
    import pulp
    from pulp.apis.coin_api import pulp_cbc_path  # the CBC binary PuLP ships

    started = time.monotonic()
    problem = pulp.LpProblem("purchasing", pulp.LpMinimize)

    def bound(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    xs = [problem.add_variable(f"x{j}", bound(program.lb[j]), bound(program.ub[j]),
                               pulp.LpInteger if program.integer[j] else pulp.LpContinuous)
          for j in range(program.num_cols)]
    problem += pulp.lpSum(c * x for c, x in zip(program.cost, xs) if c != 0.0)
    for i in range(program.num_rows):
        lo, hi = program.row_lo[i], program.row_hi[i]
        span = slice(program.start[i], program.start[i + 1])
        expr = pulp.lpSum(v * xs[j] for j, v in zip(program.index[span], program.value[span]))
        if lo == hi:
            problem += expr == lo
        else:
            if math.isfinite(lo):
                problem += expr >= lo
            if math.isfinite(hi):
                problem += expr <= hi
    problem.solve(pulp.COIN_CMD(path=pulp_cbc_path, msg=False, timeLimit=max(time_limit_s, 1.0), gapRel=mip_gap,
                                threads=1))
    seconds = time.monotonic() - started
    found = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if not found:
        return Outcome("cbc", pulp.LpStatus[problem.status].lower(), None, math.inf, -math.inf, seconds)
    values = np.array([x.value() or 0.0 for x in xs])
    objective = float(program.cost @ values)
    optimal = problem.sol_status == pulp.LpSolutionOptimal
    return Outcome("cbc", "optimal" if optimal else "time_limit", values, objective,
                   objective if optimal else -math.inf, seconds)
