"""Member accounts (closed-loop balances for face-pay) and their erasure."""
