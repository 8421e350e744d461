"""The receptionist: the agent, its guarded tools, and a text conversation with it."""
