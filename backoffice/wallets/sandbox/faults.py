"""Ways a sandbox can answer badly on purpose (bad-input tests): the answer's body is
built right, then spoiled like a broken network, a proxy or a confused gateway would."""

from __future__ import annotations

from enum import Enum


class Fault(str, Enum):
    UNSIGNED = "unsigned"               # no signature at all
    OTHER_KEY = "other_key"             # signed with a key that is not the wallet's
    OTHER_ORDER = "other_order"         # about another out_trade_no (signed properly)
    OTHER_AMOUNT = "other_amount"       # another amount (signed properly)
    OTHER_MERCHANT = "other_merchant"   # another appid / mch_id (signed properly)
    TRUNCATED = "truncated"             # cut in the middle
    HTML = "html"                       # an HTML error page from a proxy, status 502
    TIMEOUT = "timeout"                 # answers too late
    DROP = "drop"                       # books it, then closes the connection


HTML_PAGE = (b"<html><head><title>502 Bad Gateway</title></head><body><center>"
             b"<h1>502 Bad Gateway</h1></center></body></html>")
