"""Teacher rotation planner for education groups (集团化办学)."""
