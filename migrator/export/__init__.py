"""``migrator export``'s engine: Sonar → a fixture directory, resumable.

A use of the Sonar client, not part of it. Modules: ``snapshot`` (the planner
and the workers paging every query into part files), ``snapshot_store`` (the
export directory: finished fixture files, part files and the plan that lets
a re-run continue).
"""
