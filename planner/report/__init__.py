"""What a plan looks like to people: tables, the roster workbook, KPI frames, plots."""
