"""Prefect flows: the order of the pipeline's steps for a batch; the work itself lives in reportgrid/."""
