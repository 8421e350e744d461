"""Brains for the receptionist: the offline rules-and-resolver brain and hosted LLM providers."""
