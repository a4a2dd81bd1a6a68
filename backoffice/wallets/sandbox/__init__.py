"""Loopback sandboxes of Alipay's gateway and of WeChat Pay v2 (tests and the demo).

Both share one in-memory wallet (``wallet_ledger``) with the behaviours of the
terminal's host simulator, chosen by the payment code's last two digits (81 balance,
82 invalid code, 83 password then success, 84 password then close, 85 system error
with no trade, 86 system error but paid, 87 slow, 88 connection dropped after commit,
89 cancel/reverse needs retries; anything else approves). They check signatures,
amounts and the merchant ids like the real gateways and answer in their formats.
"""
