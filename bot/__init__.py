"""Composition root and runtime: settings, wiring, middlewares, transports and adapters."""
