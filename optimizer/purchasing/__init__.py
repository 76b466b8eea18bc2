"""Purchasing optimisation: which offer, when and how much to buy (spec, "Purchasing optimisation").

Pure: data in, data out. :func:`optimize_purchasing` is the entry point; docs/purchasing.md
describes the model.
"""

from optimizer.purchasing.budget import WORK_PER_SECOND
from optimizer.purchasing.optimize import PurchasingResult, optimize_purchasing

__all__ = ["WORK_PER_SECOND", "PurchasingResult", "optimize_purchasing"]
