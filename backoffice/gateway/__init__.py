"""The host protocol at the back office: envelope checks, terminal identity, the method
table, and signed answers. No HTTP here (see backoffice/http)."""
