"""The books of trades: member pays, offline records, refunds, cancels, daily bills and
the store's exception list."""
