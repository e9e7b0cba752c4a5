"""Sonar -> Splynx transforms: pure functions, one module per domain."""
