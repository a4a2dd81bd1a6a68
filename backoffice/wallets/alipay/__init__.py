"""The Alipay open platform connector (``alipay.trade.pay/query/cancel/refund``, RSA2,
public-key mode or certificate mode)."""
