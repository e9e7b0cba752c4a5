"""The Splynx API v2.0 simulator, faithful to ../shared/reference (``migrator sim splynx``).

Public API (in-process, for the demo and tests): ``app.SplynxSimConfig``,
``app.build_app(config) -> aiohttp.web.Application`` (serve it with
``migrator.sim.harness.serve``), ``app.STORE_KEY`` (``await
app[STORE_KEY].rows("customers")`` reads rows behind the API),
``app.CAPACITY_KEY``, ``app.endpoint_names()``.

Layout: ``served_endpoints.py`` and ``finance_support_endpoints.py`` describe
every endpoint as data (``resources.py``; values taken from the request in
``context_defaults.py``), ``behaviours_*.py`` hold what one endpoint does beyond
the generic rules; ``command.py`` is ``migrator sim splynx``;
``dispatch.py`` routes, authenticates (``auth.py``) and authorizes a request,
``handlers.py`` runs the operation, ``validation.py`` checks bodies,
``records.py`` renders rows; ``store.py`` (memory) and ``store_mysql.py``
(MariaDB, real table names from ``tables*.py``, laid out as ``table_layout.py``
says) keep rows; ``query.py`` parses
PHP bracket searches, ``matching.py`` / ``sqlwhere.py`` evaluate them alike.
"""
