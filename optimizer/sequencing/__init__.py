"""SMT line sequencing with OR-Tools CP-SAT (spec: "SMT sequencing"; docs/sequencing.md)."""

from .sequencer import SCHEDULE_COLUMNS, SequencingResult, sequence_jobs

__all__ = ["SCHEDULE_COLUMNS", "SequencingResult", "sequence_jobs"]
