"""The store manager's page: a small, read-only, server-rendered web page with a login
(docs/backoffice.md, "The store manager's page")."""
