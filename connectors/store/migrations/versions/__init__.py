"""Revision scripts, one per schema change: ``0001_initial``, then each later one revising the last."""
