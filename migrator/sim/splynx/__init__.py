"""The Splynx API v2.0 simulator, faithful to ../shared/reference (``migrator sim splynx``).

Public API (in-process, for the demo and tests): ``app.SplynxSimConfig``,
``app.build_app(config) -> aiohttp.web.Application`` (serve it with
``migrator.sim.harness.serve``), ``app.STORE_KEY`` (``await
app[STORE_KEY].rows("customers")`` reads rows behind the API),
``app.CAPACITY_KEY``, ``app.endpoint_names()``.

Layout: ``catalog*.py`` describe every endpoint as data (``resources.py``),
``behaviours_*.py`` hold what one endpoint does beyond the generic rules;
``dispatch.py`` routes, authenticates (``auth.py``) and authorizes a request,
``handlers.py`` runs the operation, ``validation.py`` checks bodies,
``records.py`` renders rows; ``store.py`` (memory) and ``store_mysql.py``
(MariaDB, real table names from ``tables*.py``) keep rows; ``query.py`` parses
PHP bracket searches, ``matching.py`` / ``sqlwhere.py`` evaluate them alike.
"""
