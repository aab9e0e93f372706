"""Work on plans beyond one solve: explanations, yearly replanning, sweeps."""
