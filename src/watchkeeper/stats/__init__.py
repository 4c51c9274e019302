"""Crossing statistics: the Home Office small-boat series (daily SB_01, weekly SB_02 with the French
prevention estimates, quarterly by nationality, sex and age), their figures, charts and the
effect-of-operations analysis."""
