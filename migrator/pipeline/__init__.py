"""The streaming engine: entity specs, producers, writers, state."""
