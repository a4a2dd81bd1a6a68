import json
import logging

from ui.composition.logging_setup import JsonLineFormatter, scrub


def test_payment_codes_are_masked_but_trade_numbers_stay():
    text = scrub("pay T000126112300000001 code 280012345678901234 done")
    assert "T000126112300000001" in text
    assert "280012345678901234" not in text and "2800**********1234" in text


def test_key_blocks_are_removed():
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----"
    assert "MIIEv" not in scrub(f"oops {pem}")


def test_formatter_masks_the_message_and_context():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "code %s", ("134567890123456789",),
                               None)
    record.out_trade_no = "T1"
    entry = json.loads(JsonLineFormatter().format(record))
    assert "134567890123456789" not in entry["msg"] and entry["out_trade_no"] == "T1"
