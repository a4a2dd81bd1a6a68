"""Wallet payment codes (Alipay, WeChat Pay, UnionPay) at the back office.

Until the wallet connectors exist (issue 15), ``alipay.trade.pay`` is answered with a
signed 40004 ``PAYTERM.WALLET_NOT_CONFIGURED`` naming the wallet, and nothing is
stored. The connectors replace ``not_configured.refuse_wallet_pay`` in the method
table (gateway/methods.py) with a router that journals each call before it is sent and
answers query/cancel/refund of wallet trades from the wallet's true state.
"""
