"""The application services the kiosk screens call: one object per capability, typed
by the Protocols in ``interfaces`` and built by ``ui.composition``.

Every device and network call runs on a worker thread. A payment's reports go back to
whoever started it (a reply run on the GUI thread, tagged with the request id); the
other capabilities report through the one ``ServiceBridge`` as past-tense Qt signals,
delivered on the GUI thread.
"""
