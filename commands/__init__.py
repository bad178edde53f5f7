"""Slash-command and interaction handlers, and the pure parsers behind them."""
