"""Field diagnostics: self-tests a technician runs with ``payterm diag`` or on the
technician screen.

Each check is one module in ``checks/`` that returns a ``CheckResult`` (pass, warn,
fail or skip, a bilingual sentence, what to do, and measured details). ``runner`` runs
them in parallel with a time limit each, so a hung device cannot hang the diagnosis.
"""
