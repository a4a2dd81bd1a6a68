"""Reconciliation (end of day), Diagnosis (device and host health), Print (a POS
document through the terminal's exactly-once print jobs)."""

from __future__ import annotations

from typing import Callable

from terminal.pos_api.amounts import fen_to_yuan
from terminal.pos_api.envelope import Request, failure, response, success
from terminal.pos_api.errors import ApiError, ErrorCondition, encode_additional
from terminal.pos_api.requests import parse_print, parse_reconciliation
from ui.terminal_api.deps import ApiDeps, PerThread

INSTRUMENTS = {"wallet": "Mobile", "member": "StoredValue", "cash": "Cash"}


class DayServices:
    def __init__(self, deps: ApiDeps, resources: PerThread, busy: Callable[[], bool]) -> None:
        self._deps = deps
        self._res = resources
        self._busy = busy

    def handle(self, request: Request) -> dict:
        category = request.header.category
        if category == "Reconciliation":
            return self._reconciliation(request)
        if category == "Diagnosis":
            return self._diagnosis(request)
        if category == "Print":
            return self._print(request)
        raise ApiError(ErrorCondition.UNAVAILABLE_SERVICE, f"{category} is not served")

    def _reconciliation(self, request: Request) -> dict:
        kind = parse_reconciliation(request.body)
        if self._busy():
            raise ApiError(ErrorCondition.BUSY, "a payment is running; close the day after it")
        result = self._deps.close_day(self._res.journal())
        body: dict = {"ReconciliationType": kind, "POIReconciliationID": result["day"]}
        if not result["closed"]:
            blockers = result["blockers"]
            body["Response"] = failure(ErrorCondition.NOT_ALLOWED, encode_additional(
                {"message": "the day cannot close: " + ", ".join(sorted(blockers)),
                 **{f"payterm.{k}": v for k, v in blockers.items()
                    if k.endswith("_count")}}))
            body["PaytermBlockers"] = blockers   # payterm extension: every blocking record
            return response(request.header, "ReconciliationResponse", body)
        report = result["z_report"]
        totals = []
        for key, slot in sorted(report["by_tender"].items()):
            tender, _, wallet = key.partition(":")
            total = {"PaymentInstrumentType": INSTRUMENTS.get(tender, tender),
                     "TransactionCount": slot["count"],
                     "TransactionAmount": fen_to_yuan(slot["amount_fen"])}
            if wallet:
                total["PaytermWallet"] = wallet
            totals.append(total)
        body["TransactionTotals"] = totals
        body["Response"] = success(encode_additional({
            "payterm.sales_count": report["sales_count"],
            "payterm.gross": fen_to_yuan(report["gross_fen"]),
            "payterm.refunds": fen_to_yuan(report["refunds"]["amount_fen"]),
            "payterm.net": fen_to_yuan(report["net_fen"]),
            "payterm.balanced": str(result["reconciliation"].get("balanced", "")).lower()}))
        return response(request.header, "ReconciliationResponse", body)

    def _diagnosis(self, request: Request) -> dict:
        facts = self._deps.diagnosis()
        host_ok = bool(facts.get("host_reachable"))
        printer = facts.get("printer", "")
        status = "Busy" if self._busy() else ("OK" if host_ok else "Unreachable")
        poi = {"GlobalStatus": status, "CommunicationOKFlag": host_ok}
        if printer:
            poi["PrinterStatus"] = printer
        body = {"Response": success(encode_additional(
                    {k: v for k, v in facts.items() if k.startswith("payterm.")})),
                "POIID": self._deps.poi_id, "POIStatus": poi,
                "HostStatus": [{"AcquirerID": "payterm-host", "IsReachableFlag": host_ok}]}
        return response(request.header, "DiagnosisResponse", body)

    def _print(self, request: Request) -> dict:
        order = parse_print(request.body)
        if self._deps.enqueue_print is None:
            raise ApiError(ErrorCondition.UNAVAILABLE_SERVICE, "no printer on this terminal")
        header = request.header
        job_id = f"pos:{header.sale_id}:{header.service_id}"
        new = self._deps.enqueue_print(job_id, order.document, order.lines)
        body = {"Response": success(encode_additional(
                    {"payterm.print_job": job_id,
                     "payterm.queued": "new" if new else "already_queued"})),
                "DocumentQualifier": order.document}
        return response(header, "PrintResponse", body)
