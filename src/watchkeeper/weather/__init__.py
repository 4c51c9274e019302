"""Weather ingest (GRIB/NetCDF, Open-Meteo hourly JSON, CSV observations) and the crossing forecast.

Every source is read into one canonical table (``weather.table``): UTC time, a site label and our
variable names in our units (``weather.aliases``). Hourly inputs become daily by the aggregation rule
each variable declares, so the crossing forecast takes any series without a code change.
"""
