"""Pure domain code: no I/O, no frameworks. Importable and testable without an event loop."""
