"""Alert rules over the track picture, in event time: ``Watch`` (alerts + incidents) and ``AlertEngine``.

Import from the modules (``alerts.watch``, ``alerts.engine``, ``alerts.config``); this package imports
nothing on its own so that ``incidents`` can use the alert types without a cycle.
"""
