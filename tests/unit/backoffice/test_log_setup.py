"""The back office logs to the stderr of the moment: a stderr replaced and closed after
set-up (by a supervisor, or a test harness around an in-process back office) is not
written to again."""

from __future__ import annotations

import io
import json
import logging
import sys

from backoffice.log_setup import setup_logging


def test_records_go_to_the_current_stderr_not_a_closed_earlier_one(monkeypatch):
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    try:
        setup_logging("INFO")
        logging.getLogger("backoffice.test").warning("one")
        first.close()
        second = io.StringIO()
        monkeypatch.setattr(sys, "stderr", second)
        logging.getLogger("backoffice.test").warning("two")
        lines = [json.loads(line) for line in second.getvalue().splitlines()]
        assert [entry["msg"] for entry in lines if entry["logger"] == "backoffice.test"] \
            == ["two"]
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)
