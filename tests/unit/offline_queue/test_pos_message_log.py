"""The POS message log and a new sale row are committed without their own fsync, and
nothing else loses it: the connection is back at ``synchronous=FULL`` after every such
row, also after a failed one, so refusals, aborts, reversals and the journal written next
stay fsync'd."""

from __future__ import annotations

import pytest

from offline_queue.pos_api_store import PosApiStore, SaleConflict
from offline_queue.store import open_store
from terminal.errors import QueueError
from terminal.pos_api.outcomes import SaleRecord

FULL = 2


def test_log_rows_leave_the_connection_fully_synchronous(tmp_path):
    store = PosApiStore(open_store(tmp_path / "payterm.db"))
    db = store._db
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    store.log_message("request", {"SaleToPOIRequest": {}}, 1.0, sale_id="LANE1",
                      service_id="S1", category="Payment")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    assert [m["direction"] for m in store.messages("LANE1", "S1")] == ["request"]
    with pytest.raises(QueueError):                  # refused by the table's CHECK
        store.log_message("sideways", {}, 2.0, sale_id="LANE1", service_id="S1")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    assert len(store.messages("LANE1", "S1")) == 1
    store.close()


def test_a_new_sale_is_returned_as_stored_and_leaves_the_connection_fully_synchronous(
        tmp_path):
    store = PosApiStore(open_store(tmp_path / "payterm.db"))
    db = store._db
    started = store.start_sale(SaleRecord("LANE1", "T1", "S1", "2026-12-02T10:00:00Z",
                                          1234), 5.0)
    assert started == store.find("LANE1", transaction_id="T1")
    assert (started.status, started.created_at, started.out_trade_no) == ("started", 5.0, "")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    with pytest.raises(SaleConflict):                # the ServiceID is taken
        store.start_sale(SaleRecord("LANE1", "T2", "S1", "2026-12-02T10:00:01Z", 100), 6.0)
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    assert store.find("LANE1", transaction_id="T2") is None
    store.refuse("LANE1", "T1", "Cancel", "the customer cancelled", 7.0)   # a FULL commit
    assert store.find("LANE1", transaction_id="T1").status == "refused"
    store.close()
