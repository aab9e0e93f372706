"""The planner's workbench in the browser (``planner serve``): an ASGI app
(:func:`planner.web.app.create_app`) implementing the HTTP API contract and a
page built on it; solves run in their own processes (:mod:`planner.web.jobs`)."""
