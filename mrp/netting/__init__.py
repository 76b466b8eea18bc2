"""Netting (rules 5, 6, 7 and 9 of the format, and rule 8's first day needed): one compiled
function per planning rule, each with the rule's text as its docstring.

- :mod:`mrp.netting.records`: the typed records the walk reads and fills (item rules,
  requirements, lots, the item's stock while it is walked, the output rows);
- :mod:`mrp.netting.rules`: receive, draw, restore safety stock, expedite, order quantity,
  the POQ shortfall, offsetting, the requirement order;
- :mod:`mrp.netting.pegging`: booking a draw on the pool's lots and pegging it;
- :mod:`mrp.netting.open_orders`: the day each open order is first needed.

:mod:`mrp.walk` runs the day loop over these functions.
"""
