"""The live display: the one owner of the terminal while a command works.

Workers never draw; they emit events (``migrator.events``) that the displays
fold into small panels, each owning its rows and how they are drawn:

- ``screen``: ``Screen``, the only code that touches rich ``Live`` (or prints
  one line every few seconds without a terminal);
- ``streams``: records read per stream (a query, an entity);
- ``entities``: what writing adds per entity (settled, rejected, queue fill);
- ``systems``: requests per remote system against its budget;
- ``counters``: a client's counters sampled as an event (Splynx's, for now);
- ``overall``: the footer and the one-line form; ``rows``: the counted data;
- ``export_view`` (``ExportDisplay``) and ``migration_view``
  (``MigrationDisplay``): the two displays, composed of the above.
"""
