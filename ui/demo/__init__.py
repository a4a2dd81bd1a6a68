"""The demo: everything simulated, for a newcomer and for CI."""
