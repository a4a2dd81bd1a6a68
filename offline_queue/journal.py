"""The payment journal on SQLite: every attempt, its state and its history.

Implements ``terminal.ports.journal.Journal``. One instance per thread (it owns one
connection). Every method commits before it returns, with ``synchronous=FULL``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, Callable, Iterable, Unpack

import sqlite_utils

from terminal.attempt import Attempt, Tender
from terminal.errors import QueueError
from terminal.ports.journal import AttemptChange, AttemptChanges
from terminal.trade_no import make_trade_no
from terminal.transaction import TxState, check_transition
from offline_queue.store import open_store, transaction

_BOOL_FIELDS = {"waiting_for_password", "cancelling", "needs_attention", "offline"}
_ATTEMPT_FIELDS = {f.name for f in dataclass_fields(Attempt)}
_UPDATABLE = set(AttemptChanges.__annotations__)
UNRESOLVED_STATES = tuple(s.value for s in TxState if s.needs_resolution)
HELD_STATES = tuple(s.value for s in TxState if s.needs_person)


def row_to_attempt(row: dict[str, Any]) -> Attempt:
    values = {k: row[k] for k in _ATTEMPT_FIELDS}
    values["tender"] = Tender(values["tender"])
    values["state"] = TxState(values["state"])
    for key in _BOOL_FIELDS:
        values[key] = bool(values[key])
    return Attempt(**values)


class SqliteJournal:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._db.conn.row_factory = sqlite3.Row
        self._epoch = ""

    @property
    def epoch(self) -> str:
        """This journal's epoch (part of every out_trade_no; made with the store)."""
        if not self._epoch:
            row = self._db.execute("SELECT epoch FROM journal_identity WHERE id = 1").fetchone()
            if row is None:
                raise QueueError("the journal has no epoch (journal_identity is empty)")
            self._epoch = row[0]
        return self._epoch

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = 5000,
             check_integrity: bool = False) -> "SqliteJournal":
        return cls(open_store(path, busy_timeout_ms=busy_timeout_ms,
                              check_integrity=check_integrity))

    @property
    def db(self) -> sqlite_utils.Database:
        return self._db

    def close(self) -> None:
        self._db.conn.close()

    # -- writes -----------------------------------------------------------------

    def open_attempt(self, *, terminal_id: str, tender: Tender, wallet: str, code_masked: str,
                     amount_fen: int, subject: str, now: float, offline: bool = False,
                     member_ref: str = "", sending: bool = False,
                     also: Callable[[Any, str], None] | None = None) -> Attempt:
        with transaction(self._db):
            # ``sending``: the request goes out right after this commit, so the attempt
            # is stored already PENDING (one fsync instead of two before the request).
            state = TxState.PENDING if sending else TxState.CREATED
            trade_no, _seq = self._insert_attempt(
                terminal_id, tender, wallet, code_masked, amount_fen, subject, state, now,
                first_request_at=now if sending else None, offline=offline,
                member_ref=member_ref)
            if sending:
                self._add_event(trade_no, now, "pay_sent", TxState.PENDING, {})
            if also is not None:
                # What must be durable together with the attempt (the Terminal API's
                # link from a POS sale to this trade number), in the same commit.
                also(self._db, trade_no)
        return self._written(trade_no)

    def mark(self, out_trade_no: str, state: TxState, *, now: float, event: str,
             detail: dict[str, Any] | None = None,
             **fields: Unpack[AttemptChanges]) -> Attempt:
        return self._update(out_trade_no, state, now, event, detail, fields)

    def note(self, out_trade_no: str, *, now: float, event: str,
             detail: dict[str, Any] | None = None,
             **fields: Unpack[AttemptChanges]) -> Attempt:
        return self._update(out_trade_no, None, now, event, detail, fields)

    def _update(self, out_trade_no: str, state: TxState | None, now: float, event: str,
                detail: dict[str, Any] | None, fields: AttemptChanges) -> Attempt:
        with transaction(self._db):
            self._apply_change(out_trade_no, state, now, event, detail or {}, fields)
        return self._written(out_trade_no)

    def _apply_change(self, out_trade_no: str, state: TxState | None, now: float, event: str,
                      detail: dict[str, Any], fields: AttemptChanges) -> None:
        """Inside a transaction: check the move, update the row, record the event."""
        bad = set(fields) - _UPDATABLE
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        row = self._row(out_trade_no)
        if row is None:
            raise QueueError(f"no attempt {out_trade_no} in the journal")
        current = TxState(row["state"])
        target = current if state is None or state is current else \
            check_transition(current, state)
        changed: dict[str, Any] = dict(fields)
        values = {k: (int(v) if k in _BOOL_FIELDS else v) for k, v in changed.items()}
        values["state"] = target.value
        values["updated_at"] = now
        assignments = ", ".join(f"{k} = ?" for k in values)
        self._db.execute(f"UPDATE attempts SET {assignments} WHERE out_trade_no = ?",
                         [*values.values(), out_trade_no])
        self._add_event(out_trade_no, now, event, target, detail)

    def record_refund(self, out_request_no: str, out_trade_no: str, amount_fen: int,
                      state: str, now: float, sub_code: str = "") -> None:
        """Insert or update a refund request (idempotent by ``out_request_no``)."""
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO refunds (out_request_no, out_trade_no, amount_fen, state, "
                "created_at, updated_at, sub_code) VALUES (?,?,?,?,?,?,?) "
                "ON CONFLICT(out_request_no) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at, sub_code = excluded.sub_code",
                [out_request_no, out_trade_no, amount_fen, state, now, now, sub_code])

    # -- offline records (added for the outbox; one transaction each) ------------------

    def open_offline_attempt(self, *, terminal_id: str, tender: Tender, amount_fen: int,
                             subject: str, now: float, member_ref: str = "",
                             also: Callable[[sqlite_utils.Database, str, int], None]
                             ) -> Attempt:
        """Write an attempt taken without the host, already APPROVED and flagged
        ``offline`` (= not yet synced), and run ``also(db, out_trade_no, seq)`` (the
        outbox row) in the SAME transaction: both are on disk, or neither is."""
        with transaction(self._db):
            check_transition(check_transition(TxState.CREATED, TxState.PENDING),
                             TxState.APPROVED)
            trade_no, seq = self._insert_attempt(
                terminal_id, tender, "", "", amount_fen, subject, TxState.APPROVED, now,
                offline=True, member_ref=member_ref)
            self._add_event(trade_no, now, "taken_offline", TxState.APPROVED, {})
            also(self._db, trade_no, seq)
        return self._written(trade_no)

    def update_many(self, changes: Iterable[AttemptChange], *,
                    now: float,
                    also: Callable[[sqlite_utils.Database], None] | None = None) -> None:
        """Apply ``(out_trade_no, state or None, event, detail, fields)`` changes and then
        ``also(db)`` in ONE transaction (the sync worker books a whole batch at once)."""
        with transaction(self._db):
            for out_trade_no, state, event, detail, fields in changes:
                self._apply_change(out_trade_no, state, now, event, detail, fields)
            if also is not None:
                also(self._db)

    # -- reads ------------------------------------------------------------------

    def get(self, out_trade_no: str) -> Attempt | None:
        row = self._row(out_trade_no)
        return row_to_attempt(dict(row)) if row is not None else None

    def unresolved(self) -> list[Attempt]:
        rows = self._db.execute(
            f"SELECT * FROM attempts WHERE state IN ({','.join('?' * len(UNRESOLVED_STATES))}) "
            "ORDER BY created_at, seq", list(UNRESOLVED_STATES)).fetchall()
        return [row_to_attempt(dict(r)) for r in rows]

    def held(self) -> list[Attempt]:
        """Attempts held for a person (host answers that were not about them), oldest
        first."""
        rows = self._db.execute(
            f"SELECT * FROM attempts WHERE state IN ({','.join('?' * len(HELD_STATES))}) "
            "ORDER BY created_at, seq", list(HELD_STATES)).fetchall()
        return [row_to_attempt(dict(r)) for r in rows]

    def refunds_in_states(self, states: Iterable[str]) -> list[dict[str, Any]]:
        """Refund requests in the given states, oldest first."""
        states = list(states)
        if not states:
            return []
        rows = self._db.execute(
            f"SELECT * FROM refunds WHERE state IN ({','.join('?' * len(states))}) "
            "ORDER BY created_at", states).fetchall()
        return [dict(r) for r in rows]

    def recent(self, limit: int | None = 50, *, offset: int = 0, search: str = "",
               states: Iterable[str] = ()) -> list[Attempt]:
        """Newest first; ``search`` matches the trade number or the masked code/member.
        ``limit`` None: every row from ``offset``."""
        clause, params = self._recent_filter(search, states)
        rows = self._db.execute(
            f"SELECT * FROM attempts {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset]).fetchall()
        return [row_to_attempt(dict(r)) for r in rows]

    def count(self, *, search: str = "", states: Iterable[str] = ()) -> int:
        """How many attempts ``recent`` would list without a limit."""
        clause, params = self._recent_filter(search, states)
        return int(self._db.execute(f"SELECT COUNT(*) FROM attempts {clause}",
                                    params).fetchone()[0])

    @staticmethod
    def _recent_filter(search: str, states: Iterable[str]) -> tuple[str, list[Any]]:
        where, params = [], []
        if search:
            where.append("(out_trade_no LIKE ? OR code_masked LIKE ? OR member_ref LIKE ?)")
            params += [f"%{search}%"] * 3
        states = list(states)
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            params += states
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def history(self, out_trade_no: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT at, event, state, detail FROM attempt_events WHERE out_trade_no = ? "
            "ORDER BY id", [out_trade_no]).fetchall()
        return [{"at": r["at"], "event": r["event"], "state": r["state"],
                 "detail": json.loads(r["detail"])} for r in rows]

    def refunds(self, out_trade_no: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT * FROM refunds WHERE out_trade_no = ? ORDER BY created_at",
                                [out_trade_no]).fetchall()
        return [dict(r) for r in rows]

    # -- internals ----------------------------------------------------------------

    def _written(self, out_trade_no: str) -> Attempt:
        """The attempt just written (it exists: the write committed)."""
        attempt = self.get(out_trade_no)
        assert attempt is not None, out_trade_no
        return attempt

    def _row(self, out_trade_no: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM attempts WHERE out_trade_no = ?", [out_trade_no]).fetchone()
        return row

    def _insert_attempt(self, terminal_id: str, tender: Tender, wallet: str, code_masked: str,
                        amount_fen: int, subject: str, state: TxState, now: float, *,
                        first_request_at: float | None = None, offline: bool = False,
                        member_ref: str = "") -> tuple[str, int]:
        """Inside a transaction: allocate the number, insert the row and its "created"
        event. Returns (out_trade_no, seq)."""
        seq = self._next_sequence()
        trade_no = make_trade_no(terminal_id, self.epoch, seq)
        self._db.execute(
            "INSERT INTO attempts (out_trade_no, seq, tender, wallet, code_masked, amount_fen, "
            "subject, state, created_at, updated_at, first_request_at, offline, member_ref) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [trade_no, seq, tender.value, wallet, code_masked, amount_fen, subject,
             state.value, now, now, first_request_at, int(offline), member_ref])
        self._add_event(trade_no, now, "created", TxState.CREATED,
                        {"amount_fen": amount_fen, "tender": tender.value})
        return trade_no, seq

    def _next_sequence(self) -> int:
        self._db.execute("INSERT INTO counters (name, value) VALUES ('attempt_seq', 0) "
                         "ON CONFLICT(name) DO NOTHING")
        self._db.execute("UPDATE counters SET value = value + 1 WHERE name = 'attempt_seq'")
        return int(self._db.execute(
            "SELECT value FROM counters WHERE name = 'attempt_seq'").fetchone()[0])

    def _add_event(self, out_trade_no: str, at: float, event: str, state: TxState,
                   detail: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO attempt_events (out_trade_no, at, event, state, detail) "
            "VALUES (?,?,?,?,?)",
            [out_trade_no, at, event, state.value, json.dumps(detail, ensure_ascii=False)])
