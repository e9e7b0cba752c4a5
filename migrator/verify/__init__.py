"""``migrator verify``: Sonar, Splynx and the state store held against each other.

Reads only. ``checks`` says, per entity, how its records are found in Splynx
by their markers; ``compare`` holds one expected payload against one Splynx
record; ``reconcile`` drives the reads and ``report`` keeps the outcome.
"""
