"""SMT line sequencing with OR-Tools CP-SAT (spec: "SMT sequencing"; docs/sequencing.md)."""

from .gantt import render_gantt
from .sequencer import SCHEDULE_COLUMNS, SequencingResult, sequence_jobs

__all__ = ["SCHEDULE_COLUMNS", "SequencingResult", "render_gantt", "sequence_jobs"]
