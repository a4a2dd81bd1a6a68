"""The PySide6 touchscreen app: cashier, self-service face-pay and technician screens."""
