"""The payment host, step by step: DNS, TCP, TLS, a signed ping, latency, clock skew.

Each step that fails says which one, because the fixes differ: DNS is the shop's router,
a refused connection is the host or a firewall, a TLS failure is often this terminal's
clock, a rejected signature is the keys.
"""

from __future__ import annotations

import socket
import ssl
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from terminal.errors import ConfigError, HostError
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.host_ping import signed_ping
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_NETWORK = ("检查网线/Wi-Fi 和路由器；确认 host.base_url 正确 / Check the cable or Wi-Fi and the "
            "router; check host.base_url")


def check_host(env: DiagEnvironment) -> CheckResult:
    host_settings = env.settings.host
    url = urlsplit(host_settings.base_url)
    secure = url.scheme == "https"
    name, port = url.hostname or "", url.port or (443 if secure else 80)
    details: dict = {"base_url": host_settings.base_url, "host": name, "port": port}
    if not name:
        return failed("host.base_url 无主机名 / host.base_url has no host name",
                      "修改 host.base_url / Fix host.base_url", **details)
    started = time.monotonic()
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return failed(f"域名解析失败：{name}（{exc.strerror}）/ Cannot resolve {name}",
                      _NETWORK + "；检查 DNS 设置 / check the DNS settings", **details)
    details["dns_ms"] = _ms_since(started)
    details["addresses"] = sorted({info[4][0] for info in infos})
    started = time.monotonic()
    try:
        sock = socket.create_connection((name, port), timeout=host_settings.connect_timeout_s)
    except OSError as exc:
        return failed(f"无法连接支付平台 {name}:{port}（{exc.strerror or exc}）/ Cannot connect to "
                      f"the payment host {name}:{port}", _NETWORK + "；确认平台服务已启动、防火墙"
                      "放行 / check that the host is up and the firewall allows it", **details)
    details["tcp_connect_ms"] = _ms_since(started)
    try:
        if secure:
            tls_problem = _handshake(sock, name, host_settings.connect_timeout_s, details)
            if tls_problem:
                return tls_problem
    finally:
        sock.close()
    if env.cancel.is_set():
        return failed("检查被中止 / Check aborted", "再试一次 / Run it again", **details)
    return _ping_and_skew(env, details)


def _handshake(sock, name: str, timeout_s: float, details: dict) -> CheckResult | None:
    started = time.monotonic()
    context = ssl.create_default_context()
    sock.settimeout(timeout_s)
    try:
        with context.wrap_socket(sock, server_hostname=name) as tls:
            details["tls_ms"] = _ms_since(started)
            details["tls_version"] = tls.version()
            not_after = tls.getpeercert().get("notAfter")
    except (ssl.SSLError, OSError) as exc:
        return failed(f"TLS 握手失败 / TLS handshake failed: {exc}",
                      "先确认本机时间正确，再检查平台证书 / Check this terminal's clock first, "
                      "then the host's certificate", **details)
    if not_after:
        expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), timezone.utc)
        details["certificate_expires"] = expires.strftime("%Y-%m-%d")
    return None


def _ping_and_skew(env: DiagEnvironment, details: dict) -> CheckResult:
    limits = env.settings.diagnostics
    try:
        host_time, round_trip_s, method = _host_time(env)
    except ConfigError as exc:
        return failed(f"无法签名请求 / Cannot sign requests: {exc}",
                      "生成终端密钥（payterm keys generate）并放置平台公钥 / Generate the "
                      "terminal keys (payterm keys generate) and install the host's public key",
                      **details)
    except HostError as exc:
        return failed(f"签名探测失败 / Signed ping failed: {exc.user_message} ({exc})",
                      "确认平台运行正常且本机密钥/平台公钥正确 / Check that the host is healthy "
                      "and that the terminal's and the host's keys match", **details)
    local = env.now() - round_trip_s / 2   # the host stamped its time about mid-way
    skew_s = host_time - local
    details.update(probe=method, latency_ms=round(round_trip_s * 1000, 1),
                   clock_skew_s=round(skew_s, 2))
    fix_clock = ("启用网络对时（timedatectl set-ntp true）或手动校准时间 / Enable NTP "
                 "(timedatectl set-ntp true) or set the clock")
    if abs(skew_s) > limits.clock_skew_fail_s:
        return failed(f"本机时间与平台相差 {skew_s:+.0f} 秒 / Clock is {skew_s:+.0f} s off the "
                      "host's", fix_clock, **details)
    if abs(skew_s) > limits.clock_skew_warn_s:
        return warned(f"本机时间与平台相差 {skew_s:+.0f} 秒 / Clock is {skew_s:+.0f} s off the "
                      "host's", fix_clock, **details)
    if round_trip_s * 1000 > limits.host_latency_warn_ms:
        return warned(f"平台响应慢：{round_trip_s * 1000:.0f} ms / Host slow to answer: "
                      f"{round_trip_s * 1000:.0f} ms", _NETWORK, **details)
    return passed(f"支付平台可用，延迟 {round_trip_s * 1000:.0f} ms / Payment host reachable, "
                  f"{round_trip_s * 1000:.0f} ms", **details)


def _host_time(env: DiagEnvironment) -> tuple[float, float, str]:
    """(host epoch seconds, round trip seconds, how it was measured)."""
    answer = signed_ping(env)
    return answer.host_time_epoch_s, answer.round_trip_s, "signed_ping"


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _host_timeout(settings) -> float:
    host = settings.host
    return host.connect_timeout_s * 3 + host.read_timeout_s + 1.0


SPEC = CheckSpec("host", "支付平台 / Payment host", check_host, timeout_s=_host_timeout)
