"""Interfaces (typing.Protocol) between services and the outside world."""
