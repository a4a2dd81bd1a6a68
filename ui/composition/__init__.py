"""The composition root: the one place that turns settings into working objects.

The CLI, the kiosk, the demo and the diagnostics build through these modules and
nowhere else: ``context`` (settings, data directory, logging, the run's one host
client), ``payments`` and ``offline`` (journal, tenders, resolver, outbox, sync),
``face`` (engine, gallery, template store), ``kiosk_services`` / ``kiosk_runtime``
(every kiosk service, started and typed by the ``ui.services.interfaces`` Protocols),
``kiosk_app`` (the window) and ``diagnostics`` (the checks' environment).
"""
