"""The business of the resident self-service bot, in pure Python.

Nothing here imports a framework or another layer of the project: storage and the bot's
adapters implement the ports declared in :mod:`domain.ports`.
"""
