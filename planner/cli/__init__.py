"""The ``planner`` command line: thin click commands over :mod:`planner.api`."""

from planner.cli.main import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_OK,
    EXIT_VIOLATIONS,
    main,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_OK", "EXIT_VIOLATIONS", "main"]
