"""Analysis: the wide table's totals, ranking and profiles; the join of data to a boundary set; classes; change between periods."""
