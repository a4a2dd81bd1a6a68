"""The WeChat Pay v2 connector (``micropay``, ``orderquery``, ``reverse``, ``refund``:
XML, HMAC-SHA256 signatures with the API key, the client certificate for reverse and
refund)."""
