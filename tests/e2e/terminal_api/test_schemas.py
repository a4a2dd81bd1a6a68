"""The JSON Schemas in docs/pos-api-schemas/ hold for what the terminal really sends
and answers, for the reference client's requests, and for every example in
docs/pos-api.md (each ```json block follows a ``<!-- schema: Name -->`` marker)."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import jsonschema
import pytest

from drivers.host.simulator.behaviours import Behaviour
from drivers.pos_api.client import TerminalApiClient
from tests.e2e.terminal_api.conftest import TERMINAL_ID, new_code

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "docs" / "pos-api-schemas"
DOC = ROOT / "docs" / "pos-api.md"
SERVICES = ("Payment", "Abort", "Reversal", "TransactionStatus", "Reconciliation",
            "Diagnosis", "Print")


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def plain(data: dict) -> dict:
    """As a POS's JSON parser sees it (numbers as numbers)."""
    return json.loads(json.dumps(data, default=float))


def validate(data: dict, name: str) -> None:
    jsonschema.validate(plain(data), schema(name),
                        cls=jsonschema.Draft202012Validator)


class RecordingClient(TerminalApiClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[dict] = []

    def build_request(self, service, body, service_id=None):
        request = super().build_request(service, body, service_id)
        self.sent.append(request)
        return request


def test_every_schema_is_a_valid_schema_and_every_service_has_two():
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    for service in SERVICES:
        assert {f"{service}Request", f"{service}Response"} <= names
    for name in names:
        jsonschema.Draft202012Validator.check_schema(schema(name))


def test_real_requests_and_answers_of_every_service_match_their_schemas(terminal, sim):
    creds = terminal.credentials
    pos = RecordingClient(creds.url, creds.key, tls_sha256=creds.tls_sha256,
                          sale_id="POS1", poi_id=TERMINAL_ID)
    answers = []
    events = []
    watcher = threading.Thread(target=lambda: [events.append(e) for e, _ in zip(
        pos.events(), range(3))], daemon=True)
    watcher.start()
    time.sleep(0.3)
    paid = pos.pay("SC-1", "8.88", code=new_code(), service_id="SC1")
    answers.append(paid)
    trade = paid["SaleToPOIResponse"]["PaymentResponse"]["POIData"]["POITransactionID"][
        "TransactionID"]
    answers.append(pos.pay("SC-2", "1.00", code=new_code(Behaviour.DECLINE_BALANCE)))
    answers.append(pos.pay("SC-3", "1.23", code=new_code(Behaviour.PASSWORD_THEN_SUCCESS),
                           wait_s=0.2))
    answers.append(pos.status(service_id="SC1"))
    answers.append(pos.status(transaction_id="SC-3"))
    answers.append(pos.status(transaction_id="none"))
    answers.append(pos.abort(transaction_id="SC-1"))
    answers.append(pos.reverse(trade, "1.00", key="RSC"))
    answers.append(pos.diagnose())
    answers.append(pos.print_text(["hello 你好"]))
    time.sleep(3)
    answers.append(pos.reconcile())
    for request in pos.sent:
        validate(request, f"{request['SaleToPOIRequest']['MessageHeader']['MessageCategory']}"
                          "Request")
    for answer in answers:
        key = next(k for k in answer["SaleToPOIResponse"] if k != "MessageHeader")
        validate(answer, key)
    watcher.join(5)
    assert events, "no progress event arrived"
    for event in events:
        jsonschema.validate(event, schema("ProgressEvent"))
    pos.close()


def doc_examples() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"<!-- schema: (\w+) -->\s*```json\n(.*?)```", text, re.S)


def test_the_docs_have_an_example_of_every_message():
    names = {name for name, _ in doc_examples()}
    for service in SERVICES:
        assert {f"{service}Request", f"{service}Response"} <= names, service


@pytest.mark.parametrize("name, example", doc_examples())
def test_every_documented_example_matches_its_schema(name, example):
    validate(json.loads(example), name)
