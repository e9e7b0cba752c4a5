"""The Splynx API v2.0 simulator."""
