"""Outbound ERP connectors: approved purchase orders out, master data and transactions in.

Every connector speaks through :class:`connectors.erp.transport.RetryingClient` (explicit
timeouts, retries with backoff on timeouts and 5xx) and is idempotent: sending the same
:class:`connectors.erp.orders.ApprovedPurchaseOrder` twice creates one purchase order.
"""
