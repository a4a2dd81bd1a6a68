"""The Terminal API's domain: nexo Sale-to-POI messages as Adyen's Terminal API uses them.

Pure: parsing and validating requests (a MessageFormat error names the field), the
per-service rules, and turning payterm's payment outcomes into nexo Result /
ErrorCondition answers. No HTTP, no SQL: ``ui.terminal_api`` serves it,
``offline_queue.pos_api_store`` keeps what must survive a restart.
"""
