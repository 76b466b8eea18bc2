"""Generic webhook/REST connector: POST each approved purchase order as documented JSON.

The receiver gets ``ApprovedPurchaseOrder.to_payload()`` (schema ``reelplan.purchase_order.v1``,
see docs/erp.md) with an ``Idempotency-Key`` header equal to the order's reference, the same
on every retry. A receiver that honours it answers ``201`` the first time and ``200`` with
the same ``id`` afterwards, so a retry never creates a second order. With a shared secret,
``X-Reelplan-Signature: sha256=<hex HMAC of the body>`` lets it check the sender.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

import httpx

from connectors.erp.orders import ApprovedPurchaseOrder, SentPurchaseOrder
from connectors.erp.transport import DEFAULT_TIMEOUT, RetryingClient, RetryPolicy

SIGNATURE_HEADER = "X-Reelplan-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header value a receiver recomputes to trust the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookConnector:
    """Posts approved purchase orders to one URL."""

    def __init__(
        self,
        url: str,
        *,
        bearer_token: str | None = None,
        secret: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {bearer_token}"} if bearer_token else {}
        self._client = RetryingClient(url, headers=headers, timeout=timeout, retry=retry, transport=transport, sleep=sleep)
        self._secret = secret

    def close(self) -> None:
        self._client.close()

    def send_purchase_order(self, order: ApprovedPurchaseOrder) -> SentPurchaseOrder:
        body = json.dumps(order.to_payload(), sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": order.reference}
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(body, self._secret)
        response = self._client.request("POST", "", content=body, headers=headers)
        answer = response.json() if response.content else {}
        erp_id = str(answer.get("id", order.reference)) if isinstance(answer, dict) else order.reference
        return SentPurchaseOrder(
            reference=order.reference, erp_id=erp_id, created=response.status_code != 200,
            details=answer if isinstance(answer, dict) else {},
        )
