"""SIMULATED scenarios of the Strait of Dover: targets, radar plots, AIS — for the demo and benchmarks.

Nothing here is real data. Everything produced says so: ``sensors.json`` has ``"simulated": true``,
every AIS line has the tag-block source ``s:wk-sim``, and the CLI prints it.
"""
