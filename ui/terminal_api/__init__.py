"""The Terminal API on the terminal: the store's POS drives payterm (docs/pos-api.md).

``engine`` answers nexo messages (pure rules in ``terminal.pos_api``, durable map in
``offline_queue.pos_api_store``); ``http_app`` serves them over HTTPS with a bearer
key; ``server`` runs uvicorn on its own thread. Built by ``ui.composition.terminal_api``.
"""
