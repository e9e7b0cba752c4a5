"""Helpers shared by the test suite (fakes for timing logic only)."""
