"""Which ERP reelplan talks to, from the environment (``REELPLAN_ERP_*``), and the connector for it."""

from __future__ import annotations

from typing import Literal

import httpx
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors.erp.erpnext import ERPNextClient, ERPNextConnector
from connectors.erp.odoo import OdooClient, OdooConnector
from connectors.erp.transport import RetryPolicy
from connectors.erp.webhook import WebhookConnector


class ErpSettings(BaseSettings):
    """``kind`` none (default), webhook, odoo or erpnext, and what that one needs."""

    model_config = SettingsConfigDict(env_prefix="REELPLAN_ERP_", extra="ignore")

    kind: Literal["none", "webhook", "odoo", "erpnext"] = "none"
    url: str = ""
    api_key: str = ""          # Odoo API key; ERPNext API key; webhook bearer token
    api_secret: str = ""       # ERPNext API secret; webhook HMAC secret
    database: str = ""         # Odoo X-Odoo-Database
    company: str = ""          # ERPNext company of the purchase orders
    warehouse: str = ""        # ERPNext target warehouse
    reference_field: str = "title"  # ERPNext field holding reelplan's reference
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 30.0
    attempts: int = 4
    backoff_seconds: float = 0.5
    #: send an order approved through the API right away (one order per approval); false
    #: gathers a supplier's approvals into one order until ``reelplan erp send-orders``
    send_on_approve: bool = True

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout_seconds, connect=self.connect_timeout_seconds)

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.attempts, backoff_seconds=self.backoff_seconds)


def build_connector(settings: ErpSettings, *, transport: httpx.BaseTransport | None = None,
                    ) -> WebhookConnector | OdooConnector | ERPNextConnector | None:
    """The connector ``settings`` describe, or None when no ERP is configured."""
    if settings.kind == "none":
        return None
    if not settings.url:
        raise ValueError(f"REELPLAN_ERP_URL is needed for the {settings.kind} connector")
    common = {"timeout": settings.timeout, "retry": settings.retry, "transport": transport}
    if settings.kind == "webhook":
        return WebhookConnector(settings.url, bearer_token=settings.api_key or None,
                                secret=settings.api_secret or None, **common)
    if settings.kind == "odoo":
        return OdooConnector(OdooClient(settings.url, settings.api_key, database=settings.database or None, **common))
    if not settings.company:
        raise ValueError("REELPLAN_ERP_COMPANY is needed for the ERPNext connector")
    return ERPNextConnector(ERPNextClient(settings.url, settings.api_key, settings.api_secret, **common),
                            company=settings.company, warehouse=settings.warehouse or None,
                            reference_field=settings.reference_field)
