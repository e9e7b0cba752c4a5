"""``python -m migrator`` is the same as the ``migrator`` command."""

from migrator.cli import main

raise SystemExit(main())
