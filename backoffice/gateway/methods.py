"""The method table: every protocol method, how its ``biz_content`` is read, what runs
it, whether it writes, and which request fields every answer echoes.

The face gallery's methods (``payterm.face.enrol``, ``payterm.face.sync``) need the
operator's template key; without it they answer a clear refusal. The wallet connectors
(replacing the ``alipay.trade.pay`` entry, and routing query/cancel/refund of wallet
trades) are new rows here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.engine import Connection

from backoffice.faces import face_methods
from backoffice.faces.template_key import TemplateCipher
from backoffice.gateway.replies import Reply
from backoffice.registry.identity import Caller
from backoffice.registry.ping_reports import parse_ping, run_ping
from backoffice.settings import BackofficeSettings
from backoffice.trades import daily_bill, member_pay, offline_batch, trade_control
from backoffice.trades.records import Tender, find_trade
from backoffice.wallets.not_configured import parse_wallet_pay, refuse_wallet_pay
from backoffice.wallets.service import WalletService
from backoffice.wallets.service import parse_wallet_pay as parse_wallet_pay_ask
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_FACE_ENROL, METHOD_FACE_SYNC, METHOD_MEMBER_BALANCE,
                               METHOD_MEMBER_PAY, METHOD_PAY, METHOD_PING, METHOD_QUERY,
                               METHOD_REFUND)

Runner = Callable[[Connection, Caller, Any, float], Reply]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    parse: Callable[[dict[str, Any]], Any]     # pure; raises fields.BadField
    run: Runner                                # inside one transaction
    writes: bool
    #: Request fields copied into every answer (refusals too) when they are strings.
    echo: tuple[str, ...] = ()


def build_methods(settings: BackofficeSettings,
                  face_cipher: TemplateCipher | None = None,
                  wallets: WalletService | None = None) -> dict[str, MethodSpec]:
    max_age_s = offline_batch.max_age_s(settings.offline_max_age_days)

    def run_batch(conn: Connection, caller: Caller, upload: Any, now: float) -> Reply:
        return offline_batch.run_batch(conn, caller, upload, now, max_age_s=max_age_s,
                                       max_ahead_s=settings.max_clock_skew_s)

    specs = [
        MethodSpec(METHOD_MEMBER_PAY, member_pay.parse_member_pay, member_pay.run_member_pay,
                   writes=True, echo=("out_trade_no", "member_id")),
        MethodSpec(METHOD_MEMBER_BALANCE, member_pay.parse_balance, member_pay.run_balance,
                   writes=False, echo=("member_id",)),
        MethodSpec(METHOD_QUERY, trade_control.parse_trade_ref, trade_control.run_query,
                   writes=False, echo=("out_trade_no",)),
        MethodSpec(METHOD_CANCEL, trade_control.parse_trade_ref, trade_control.run_cancel,
                   writes=True, echo=("out_trade_no",)),
        MethodSpec(METHOD_REFUND, trade_control.parse_refund, trade_control.run_refund,
                   writes=True, echo=("out_trade_no", "out_request_no", "refund_amount")),
        MethodSpec(METHOD_PING, parse_ping, run_ping, writes=True),
        MethodSpec(METHOD_BATCH_UPLOAD, offline_batch.parse_batch, run_batch, writes=True),
        MethodSpec(METHOD_BILL_DAILY, daily_bill.parse_bill, daily_bill.run_bill,
                   writes=False, echo=("bill_date",)),
        MethodSpec(METHOD_FACE_ENROL, face_methods.parse_enrol,
                   face_methods.run_enrol(face_cipher), writes=True, echo=("member_id",)),
        MethodSpec(METHOD_FACE_SYNC, face_methods.parse_sync,
                   face_methods.run_sync(face_cipher), writes=True),
    ]
    if wallets is None:
        # No wallet key material at this server: wallet codes get a clear refusal.
        specs.append(MethodSpec(METHOD_PAY, parse_wallet_pay, refuse_wallet_pay, writes=False,
                                echo=("out_trade_no",)))
    else:
        specs.extend(wallet_specs(wallets))
    return {spec.name: spec for spec in specs}


def wallet_specs(wallets: WalletService) -> list[MethodSpec]:
    """The wallet router: pay of wallet codes, and query/cancel/refund of wallet trades
    (other trades keep trade_control's runners)."""

    def routed(plain: Runner, wallet_run: Callable[..., Any], ref_of: Callable[[Any], str]
               ) -> Runner:
        def run(conn: Connection, caller: Caller, request: Any, now: float) -> Any:
            trade = find_trade(conn, caller.terminal_id, ref_of(request))
            if trade is not None and trade.tender == Tender.WALLET.value:
                return wallet_run(conn, caller, trade, request, now)
            return plain(conn, caller, request, now)
        return run

    return [
        MethodSpec(METHOD_PAY, parse_wallet_pay_ask, wallets.run_pay, writes=True,
                   echo=("out_trade_no",)),
        MethodSpec(METHOD_QUERY, trade_control.parse_trade_ref,
                   routed(trade_control.run_query,
                          lambda c, k, t, r, n: wallets.run_query(c, k, t, n),
                          lambda r: r.out_trade_no), writes=False, echo=("out_trade_no",)),
        MethodSpec(METHOD_CANCEL, trade_control.parse_trade_ref,
                   routed(trade_control.run_cancel,
                          lambda c, k, t, r, n: wallets.run_cancel(c, k, t, n),
                          lambda r: r.out_trade_no), writes=True, echo=("out_trade_no",)),
        MethodSpec(METHOD_REFUND, trade_control.parse_refund,
                   routed(trade_control.run_refund, wallets.run_refund,
                          lambda r: r.out_trade_no), writes=True,
                   echo=("out_trade_no", "out_request_no", "refund_amount")),
    ]
