"""Input and output: workbook cells, the scenario workbook, plans, the template, policy files."""
