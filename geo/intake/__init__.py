"""Intake: spreadsheets to rows with a report naming sheet/row/column; the data-entry template; remembered column mappings; hostile-file checks."""
