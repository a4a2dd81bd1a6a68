"""The back office's pure parts: settings, fields, envelope, rate limit, addresses."""

from __future__ import annotations

import math

import pytest

from backoffice.errors import SettingError
from backoffice.gateway import fields
from backoffice.gateway.envelope import EnvelopeRefused, parse_envelope
from backoffice.gateway.rate_limit import RateLimiter
from backoffice.server import parse_listen
from backoffice.settings import BackofficeSettings, load_settings
from backoffice.storage.engine import display_url, normalise_url


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0])
def test_settings_refuse_non_numbers_and_non_positive(value):
    with pytest.raises(SettingError) as bad:
        BackofficeSettings(max_clock_skew_s=value)
    assert "max_clock_skew_s" in str(bad.value)


def test_settings_from_file_and_environment(tmp_path):
    path = tmp_path / "backoffice.toml"
    path.write_text('max_clock_skew_s = 60\nrate_limit_burst = 5\n')
    settings = load_settings(path, {"PAYTERM_BACKOFFICE__RATE_LIMIT_BURST": "7"})
    assert (settings.max_clock_skew_s, settings.rate_limit_burst) == (60.0, 7)
    path.write_text('no_such_key = 1\n')
    with pytest.raises(SettingError, match="no_such_key"):
        load_settings(path, {})
    with pytest.raises(SettingError, match="rate_limit_burst"):
        load_settings(None, {"PAYTERM_BACKOFFICE__RATE_LIMIT_BURST": "1.5"})
    with pytest.raises(SettingError, match="lock_timeout_s"):
        load_settings(None, {"PAYTERM_BACKOFFICE__LOCK_TIMEOUT_S": "nan"})


@pytest.mark.parametrize("raw, fen", [("12.34", 1234), ("12.3", 1230), ("12", 1200),
                                      ("0.01", 1), ("100000000.00", 10_000_000_000)])
def test_amounts(raw, fen):
    assert fields.amount_fen({"a": raw}, "a") == fen


@pytest.mark.parametrize("raw", ["12.345", "-1", "1e2", "0", "0.00", "", None, 12.5, True,
                                 " 1", "1.", ".5", "100000000.01", "٣"])
def test_bad_amounts_name_the_field(raw):
    with pytest.raises(fields.BadField) as bad:
        fields.amount_fen({"total_amount": raw}, "total_amount")
    assert bad.value.field_name == "total_amount"


@pytest.mark.parametrize("number, ok", [("T000126120100000001", True), ("a_b-C", True),
                                        ("x" * 64, True), ("x" * 65, False), ("", False),
                                        ("a b", False), ("订单1", False)])
def test_out_trade_no_is_opaque_but_bounded(number, ok):
    if ok:
        assert fields.out_trade_no({"out_trade_no": number}) == number
    else:
        with pytest.raises(fields.BadField):
            fields.out_trade_no({"out_trade_no": number})


def test_envelope_refuses_before_any_method():
    methods = {"payterm.ping"}
    refused = parse_envelope(b"method=payterm.ping", "application/json", methods, app_id="A")
    assert isinstance(refused, EnvelopeRefused) and refused.reply.error_member
    body = (b"method=payterm.ping&sign=x&sign_type=RSA2&app_id=B&timestamp=2026-01-01+00:00:00"
            b"&biz_content=%7B%22terminal_id%22%3A%22T1%22%7D")
    wrong_app = parse_envelope(body, "application/x-www-form-urlencoded", methods, app_id="A")
    assert wrong_app.reply.payload["sub_code"] == "isv.invalid-app-id"
    good = parse_envelope(body.replace(b"app_id=B", b"app_id=A"),
                          "application/x-www-form-urlencoded", methods, app_id="A")
    assert not isinstance(good, EnvelopeRefused)
    assert good.terminal_id == "T1" and good.timestamp_epoch_s == 1767196800.0


def test_rate_limiter_refills():
    now = [0.0]
    limiter = RateLimiter(2.0, 3, clock=lambda: now[0])
    assert [limiter.allow("T1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("T2")
    now[0] += 0.5
    assert limiter.allow("T1") and not limiter.allow("T1")


def test_listen_and_database_urls():
    assert parse_listen("127.0.0.1:8790").port == 8790
    assert parse_listen("[::1]:80").host == "::1"
    for bad in ("8790", "host:", "host:99999", "a b:1"):
        with pytest.raises(SettingError, match="--listen"):
            parse_listen(bad)
    assert normalise_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    assert "p@" not in display_url("postgresql://u:secret@h/db")
    for bad in ("mysql://h/db", "sqlite://", "sqlite:///:memory:", "nonsense"):
        with pytest.raises(SettingError, match="--database"):
            normalise_url(bad)
