"""Messaging services: webhook handling now; the outbox, worker and MessageDesk join here."""
