"""The generic webhook: documented JSON, one order per reference whatever the failures."""

from __future__ import annotations

import json

import pytest

from connectors.erp.transport import ErpUnavailable
from connectors.erp.webhook import SIGNATURE_HEADER, WebhookConnector, sign
from tests.connectors.erp.fakes import FakeWebhookReceiver
from tests.connectors.erp.helpers import FAST_RETRY, SleepRecorder, two_line_order


def connector(receiver: FakeWebhookReceiver, **kw: object) -> WebhookConnector:
    return WebhookConnector("http://erp.test/hooks/po", retry=FAST_RETRY, transport=receiver.transport,
                            sleep=SleepRecorder(), **kw)


def test_the_posted_body_is_the_documented_purchase_order() -> None:
    receiver = FakeWebhookReceiver()
    sent = connector(receiver, bearer_token="t0k").send_purchase_order(two_line_order())
    assert sent.created and sent.erp_id == "WH-1"
    body = receiver.orders["RP-run7-DIGIKEY"]
    assert body["schema"] == "reelplan.purchase_order.v1"
    assert body["supplier_id"] == "DIGIKEY" and body["order_date"] == "2025-03-03"
    assert body["required_by"] == "2025-03-14"  # the earlier of the two receipt dates
    assert body["total"] == pytest.approx(8000 * 0.004 + 1000 * 0.002)  # 32 + 2
    assert [(ln["item_id"], ln["quantity"], ln["extended_price"]) for ln in body["lines"]] == [
        ("C100N", 8000, pytest.approx(32.0)), ("R10K", 1000, pytest.approx(2.0))]
    assert receiver.requests[0].headers["Authorization"] == "Bearer t0k"


def test_a_lost_response_is_retried_with_the_same_key_and_creates_one_order() -> None:
    receiver = FakeWebhookReceiver()
    receiver.inject("lost_response")
    sent = connector(receiver).send_purchase_order(two_line_order())
    assert len(receiver.orders) == 1
    assert [r.headers["Idempotency-Key"] for r in receiver.requests] == ["RP-run7-DIGIKEY"] * 2
    assert sent.erp_id == "WH-1" and not sent.created  # the receiver had it already


def test_sending_the_same_approval_twice_creates_one_order() -> None:
    receiver = FakeWebhookReceiver()
    first = connector(receiver).send_purchase_order(two_line_order())
    again = connector(receiver).send_purchase_order(two_line_order())
    assert (first.created, again.created) == (True, False)
    assert first.erp_id == again.erp_id and len(receiver.orders) == 1


def test_an_outage_longer_than_the_retries_fails_and_creates_nothing() -> None:
    receiver = FakeWebhookReceiver()
    receiver.inject("outage", times=4)
    with pytest.raises(ErpUnavailable):
        connector(receiver).send_purchase_order(two_line_order())
    assert receiver.orders == {}


def test_the_signature_is_an_hmac_of_the_exact_body() -> None:
    receiver = FakeWebhookReceiver()
    connector(receiver, secret="s3cret").send_purchase_order(two_line_order())
    request = receiver.requests[0]
    assert request.headers[SIGNATURE_HEADER] == sign(request.content, "s3cret")
    assert json.loads(request.content)["reference"] == "RP-run7-DIGIKEY"
