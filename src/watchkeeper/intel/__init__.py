"""Intelligence and justice: graded reports, entities and links, network analysis, investigations,
arrests, charges and convictions, and evidence packages that stand in court."""
