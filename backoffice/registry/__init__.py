"""The terminal registry: who may talk to the back office, with which key, for which
store; and what each terminal last reported (ping)."""
