"""Radar input: ASTERIX (CAT010/034/048/062/065), NMEA ARPA targets ($RATTM/$RATLL) and scenario plot CSV."""
