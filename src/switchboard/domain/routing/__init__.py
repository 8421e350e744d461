"""Where a department call goes: its ring group (who rings, in which order), after hours and the
on-call rota. Pure rules; the call path is services/transfer/ring_group.py."""
