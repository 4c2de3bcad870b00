"""Reference: the indicator catalog, the built-in sample, and the wide-table frame every stage reads. Imports only geo.text."""
