"""RSA2 signatures of the Alipay open platform, as pure functions.

Request: the parameters sorted by key (byte order of the UTF-8 names, like the SDKs'
``TreeMap``), ``k=v`` joined with ``&``, skipping ``sign`` and any empty key or value.
``sign_type`` IS part of the signed string for requests (the official SDKs sign it; only
the old asynchronous-notification check ``rsaCheckV1`` leaves it out). Values are signed
as they are, not URL-encoded. Signature: SHA256withRSA, PKCS#1 v1.5, base64, over the
UTF-8 bytes.

Response: the signature covers the exact raw JSON text of the
``<method_with_underscores>_response`` member as it appears in the body, so the text is
cut out of the body (``response_member_text``), never re-serialised.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

SIGN_TYPE = "RSA2"
_EXCLUDED = frozenset({"sign"})


def sign_content(params: Mapping[str, object]) -> str:
    """The string that is signed: sorted non-empty ``k=v`` pairs, ``sign`` left out."""
    pairs = []
    for key in sorted(params, key=lambda k: str(k).encode("utf-8")):
        value = params[key]
        if key in _EXCLUDED or not key or value is None or value == "":
            continue
        pairs.append(f"{key}={value}")
    return "&".join(pairs)


def sign_text(text: str, private_key: RSAPrivateKey) -> str:
    """SHA256withRSA (PKCS#1 v1.5) of the UTF-8 text, base64."""
    signature = private_key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify_text(text: str, signature_b64: str, public_key: RSAPublicKey) -> bool:
    """True only when ``signature_b64`` is a valid RSA2 signature of ``text``."""
    if not signature_b64:
        return False
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        public_key.verify(signature, text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def sign_params(params: Mapping[str, object], private_key: RSAPrivateKey) -> str:
    """The ``sign`` value for a request's parameters."""
    return sign_text(sign_content(params), private_key)


def verify_params(params: Mapping[str, object], public_key: RSAPublicKey) -> bool:
    """Check the ``sign`` parameter of a received request against its other parameters."""
    return verify_text(sign_content(params), str(params.get("sign") or ""), public_key)


def response_key(method: str) -> str:
    """``alipay.trade.pay`` -> ``alipay_trade_pay_response``."""
    return method.replace(".", "_") + "_response"


def top_level_members(body: str) -> dict[str, str]:
    """The raw text of every top-level member of a JSON object, exactly as in ``body``.

    Raises ValueError when ``body`` is not a JSON object.
    """
    decoder = json.JSONDecoder()
    members: dict[str, str] = {}
    length = len(body)

    def skip_ws(index: int) -> int:
        while index < length and body[index] in " \t\r\n":
            index += 1
        return index

    index = skip_ws(0)
    if index >= length or body[index] != "{":
        raise ValueError("not a JSON object")
    index = skip_ws(index + 1)
    if index < length and body[index] == "}":
        return members
    while True:
        key, index = decoder.raw_decode(body, index)
        if not isinstance(key, str):
            raise ValueError("object key is not a string")
        index = skip_ws(index)
        if index >= length or body[index] != ":":
            raise ValueError("expected ':' in JSON object")
        start = skip_ws(index + 1)
        _value, end = decoder.raw_decode(body, start)
        members[key] = body[start:end]
        index = skip_ws(end)
        if index < length and body[index] == ",":
            index = skip_ws(index + 1)
            continue
        if index < length and body[index] == "}":
            if skip_ws(index + 1) != length:
                raise ValueError("text after the JSON object")
            return members
        raise ValueError("expected ',' or '}' in JSON object")


def signed_response_body(method: str, payload: Mapping[str, object],
                         private_key: RSAPrivateKey) -> str:
    """A host answer: ``{"<method>_response": {...}, "sign": "..."}`` (host side)."""
    member = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    signature = sign_text(member, private_key)
    return '{"%s":%s,"sign":"%s"}' % (response_key(method), member, signature)
