"""Outputs: plotly charts, PNG/HTML/XLSX/CSV exports, PDF briefs and the forum pack, presentation rules."""
