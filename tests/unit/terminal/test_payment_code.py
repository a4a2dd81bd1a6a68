import pytest
from hypothesis import given, strategies as st

from terminal.payment_code import (DuplicateCode, DuplicateCodeGuard, NotAPaymentCode,
                                   Wallet, classify_code, mask_code)


@pytest.mark.parametrize("code, wallet", [
    ("2800000000000001", Wallet.ALIPAY),             # 16 digits, 28
    ("250000000000000000000001", Wallet.ALIPAY),     # 24 digits, 25
    ("300000000000000000", Wallet.ALIPAY),           # 18 digits, 30
    ("134567890123456789", Wallet.WECHAT),           # 18 digits, 13
    ("100000000000000000", Wallet.WECHAT),
    ("6212345678901234567", Wallet.UNIONPAY),        # 19 digits, 62
])
def test_classifies_wallet_codes(code, wallet):
    assert classify_code(code).wallet is wallet


@pytest.mark.parametrize("text", [
    "https://example.com/pay", "6901234567892",       # URL, EAN-13 product code
    "280000000000001",                                # Alipay prefix, 15 digits
    "2800000000000000000000001",                      # 25 digits
    "16345678901234567",                              # 17 digits starting 16
    "1345678901234567890",                            # WeChat prefix, 19 digits
    "621234567890123456",                             # UnionPay prefix, 18 digits
    "28000000000000１2", "", "   ", "28000000\x1b00000001",
])
def test_rejects_what_is_not_a_payment_code(text):
    with pytest.raises(NotAPaymentCode) as info:
        classify_code(text)
    assert "付款码" in info.value.user_message


def test_masks_codes_everywhere():
    code = classify_code("280012345678901234")
    assert code.masked == "2800**********1234"
    assert "280012345678901234" not in f"{code} {code!r}"
    assert mask_code("123") == "*23"


@given(st.text(alphabet="0123456789", min_size=12, max_size=30))
def test_mask_never_reveals_the_middle(digits):
    masked = mask_code(digits)
    assert len(masked) == len(digits)
    assert masked[4:-4] == "*" * (len(digits) - 8)


def test_duplicate_guard_refuses_the_same_code_within_the_window():
    guard = DuplicateCodeGuard(window_s=60)
    code = classify_code("280012345678901234")
    guard.check_and_remember(code, now_s=100.0)
    with pytest.raises(DuplicateCode):
        guard.check_and_remember(code, now_s=159.0)
    guard.check_and_remember(classify_code("280012345678901235"), now_s=159.0)
    guard.check_and_remember(code, now_s=161.0)   # window passed
