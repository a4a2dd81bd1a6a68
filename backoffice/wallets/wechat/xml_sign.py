"""WeChat Pay v2's wire format: flat ``<xml>`` documents and their signatures.

Signature: the non-empty parameters except ``sign`` sorted by name, ``k=v`` joined with
``&``, then ``&key=<API key>``; HMAC-SHA256 keyed with the API key (or MD5 of the same
text for ``sign_type`` MD5), upper-case hex.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import xml.etree.ElementTree as ElementTree
from typing import Mapping

HMAC_SHA256, MD5 = "HMAC-SHA256", "MD5"


class XmlInvalid(ValueError):
    pass


def sign_string(params: Mapping[str, str], api_key: str) -> str:
    pairs = [f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] != ""]
    return "&".join(pairs + [f"key={api_key}"])


def signature(params: Mapping[str, str], api_key: str, sign_type: str = HMAC_SHA256) -> str:
    text = sign_string(params, api_key).encode("utf-8")
    if sign_type == MD5:
        return hashlib.md5(text).hexdigest().upper()
    return hmac.new(api_key.encode("utf-8"), text, hashlib.sha256).hexdigest().upper()


def signature_ok(params: Mapping[str, str], api_key: str, sign_type: str = HMAC_SHA256) -> bool:
    given = params.get("sign", "")
    return bool(given) and hmac.compare_digest(given, signature(params, api_key, sign_type))


def nonce() -> str:
    return secrets.token_hex(16)


def to_xml(params: Mapping[str, str]) -> bytes:
    parts = ["<xml>"]
    for key in sorted(params):
        value = str(params[key]).replace("]]>", "]]]]><![CDATA[>")
        parts.append(f"<{key}><![CDATA[{value}]]></{key}>")
    parts.append("</xml>")
    return "".join(parts).encode("utf-8")


def from_xml(body: bytes | str) -> dict[str, str]:
    """A flat ``<xml>`` document as a dict; XmlInvalid for anything else (HTML, cut
    documents, DTDs and entities, nested elements, repeated names)."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise XmlInvalid("XML with a DTD or entities is refused")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise XmlInvalid(f"not well-formed XML ({exc})") from None
    if root.tag != "xml":
        raise XmlInvalid(f"root element is <{root.tag[:20]}>, not <xml>")
    values: dict[str, str] = {}
    for child in root:
        if len(child):
            raise XmlInvalid(f"<{child.tag[:30]}> is not a flat value")
        if child.tag in values:
            raise XmlInvalid(f"<{child.tag[:30]}> appears twice")
        values[child.tag] = child.text or ""
    return values
