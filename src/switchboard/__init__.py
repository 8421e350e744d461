"""Switchboard: an open-source AI phone receptionist."""

__version__ = "0.1.0"
