"""Example data: the built-in scenario's synthetic staff, the replanning story, generated cities."""
