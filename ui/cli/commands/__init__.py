"""One module per group of ``payterm`` subcommands.

Each module defines ``register(subparsers)`` that adds its subcommands and sets
``handler=function(args, ctx) -> int`` on each. ``ui.cli.main`` finds the modules here.
"""
