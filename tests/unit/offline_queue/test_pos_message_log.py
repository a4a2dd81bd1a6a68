"""The POS message log is committed without its own fsync, and nothing else loses it:
the connection is back at ``synchronous=FULL`` after every log row, also after a failed
one, so the sale rows and the journal written next stay fsync'd."""

from __future__ import annotations

import pytest

from offline_queue.pos_api_store import PosApiStore
from offline_queue.store import open_store
from terminal.errors import QueueError

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
