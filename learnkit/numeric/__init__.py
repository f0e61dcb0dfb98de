"""Checks for numeric code written from scratch with numpy (the nn_from_scratch course): training
trajectories checked against a reference run (``trajectory``)."""
