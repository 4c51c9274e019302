"""The multi-sensor multi-target tracker (docs/design.md, "Tracker").

Everything here works in UTM zone 31N (EPSG:32631), metres, x east / y north, with times as float seconds
since a scenario epoch. State vectors are ``[x, y, vx, vy]`` (m, m, m/s, m/s).
"""
