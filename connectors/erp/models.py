"""The ERP outbox: which approved purchase orders reached the ERP, and which are still to send.

One row per purchase order reference (``RP-<run>-<suggestion>``). A send that failed keeps
its row with ``status`` ``failed`` and the error, so the next send tries again; a delivered
order is never sent again (and if it were, the connectors' idempotency would find it).

Migration: ``connectors/store/migrations/versions/0002_api_auth.py``.
"""

import datetime as dt

from sqlalchemy import DateTime, Text
from sqlmodel import Field, SQLModel


class ErpDelivery(SQLModel, table=True):
    __tablename__ = "erp_deliveries"

    reference: str = Field(primary_key=True)
    connector: str
    status: str = Field(index=True)  # delivered | failed
    erp_id: str = ""
    created: bool = False
    attempts: int = 0
    last_error: str = Field(default="", sa_type=Text)
    updated_at: dt.datetime = Field(sa_type=DateTime)
