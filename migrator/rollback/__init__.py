"""``migrator rollback``: deleting from Splynx what our runs created, children first."""
