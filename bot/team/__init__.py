"""Read models of a team: who is on the roster, and the state the planner and the
board are computed from."""
