"""Member faces at the back office: enrolment with consent, templates encrypted with the
operator's key, the per-store gallery sent to terminals by versioned delta sync, and
erasure that reaches every terminal (docs/backoffice.md, "Faces")."""
