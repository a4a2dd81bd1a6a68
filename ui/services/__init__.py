"""The application services the kiosk screens call: one object per capability.

Every device and network call runs on a worker thread; results come back through the
one ``ServiceBridge`` as past-tense Qt signals, delivered on the GUI thread.
"""
