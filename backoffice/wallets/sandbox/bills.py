"""The sandboxes' daily bills in the wallets' formats.

Alipay (``alipay.data.dataservice.bill.downloadurl.query``, bill_type ``trade``): a zip
holding ``<app_id>_<yyyymmdd>_业务明细.csv`` in GBK: ``#`` comment lines, a header, one
line per payment (业务类型 交易) and per refund (退款), a ``#`` summary.
WeChat Pay (``downloadbill``, bill_type ``ALL``): UTF-8 text, a header line, data lines
whose every field starts with a backquote, then a summary header and line.
Lines belong to the Beijing day of the payment or refund.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

from backoffice.wallets.sandbox.wallet_ledger import WalletLedger

BEIJING = timezone(timedelta(hours=8))
ALIPAY_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
                 "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,"
                 "支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
                 "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")
WECHAT_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
                 "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
                 "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
                 "费率备注")


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, BEIJING).date().isoformat()


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _lines(ledger: WalletLedger, merchant: str, day: str):
    """(kind, order, amount_fen, request_no, when) of the day: payments, then refunds."""
    for order in ledger.orders(merchant):
        if order.paid_at and _day(order.paid_at) == day:
            yield "pay", order, order.amount_fen, "", order.paid_at
        for request_no, amount in order.refunded.items():
            when = order.refund_times.get(request_no, order.created_at)
            if _day(when) == day:
                yield "refund", order, amount, request_no, when


def alipay_bill_csv(ledger: WalletLedger, app_id: str, day: str) -> bytes:
    rows = ["#支付宝业务明细查询", f"#账号：[{app_id}]",
            f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]",
            "#-----------------------------------------业务明细列表----------------------------",
            ALIPAY_HEADER]
    total = count = 0
    for kind, order, amount, request_no, when in _lines(ledger, app_id, day):
        signed = amount if kind == "pay" else -amount
        rows.append(",".join([order.trade_no + "\t", order.out_trade_no + "\t",
                              "交易" if kind == "pay" else "退款", "payterm", _time(order.created_at),
                              _time(when), "", "", "", "", order.buyer_id, _yuan(signed),
                              _yuan(signed), "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00",
                              "0.00", request_no, "0.00", "0.00", ""]))
        total += signed
        count += 1
    rows += ["#-----------------------------------------业务明细列表结束------------------------",
             f"#交易合计：{count}笔，商家实收共{_yuan(total)}元",
             f"#导出时间：[{_time(ledger.clock())}]"]
    text = "\r\n".join(rows) + "\r\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{app_id}_{day.replace('-', '')}_业务明细.csv", text.encode("gb18030"))
    return buffer.getvalue()


def wechat_bill_text(ledger: WalletLedger, merchant: str, day: str) -> str:
    day = f"{day[:4]}-{day[4:6]}-{day[6:]}" if len(day) == 8 and day.isdigit() else day
    mch_id = merchant.split("/")[0]
    rows = [WECHAT_HEADER]
    paid = refunded = 0
    count = 0
    for kind, order, amount, request_no, when in _lines(ledger, merchant, day):
        refund = kind == "refund"
        fields = [_time(when), "wx8888888888888888", mch_id, "", "", order.trade_no,
                  order.out_trade_no, "o" + order.buyer_id[4:] + "wx", "MICROPAY",
                  "REFUND" if refund else "SUCCESS", "CMC", "CNY",
                  _yuan(order.amount_fen), "0.00", f"50{order.trade_no}" if refund else "0",
                  request_no or "0", _yuan(amount) if refund else "0.00", "0.00",
                  "ORIGINAL" if refund else "", "SUCCESS" if refund else "", "payterm", "",
                  "0.00000", "0.60%", _yuan(order.amount_fen),
                  _yuan(amount) if refund else "0.00", ""]
        rows.append(",".join("`" + value for value in fields))
        count += 1
        if refund:
            refunded += amount
        else:
            paid += amount
    rows.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    rows.append(",".join("`" + v for v in (str(count), _yuan(paid), _yuan(refunded), "0.00",
                                            "0.00", _yuan(paid), _yuan(refunded))))
    return "\r\n".join(rows) + "\r\n"



