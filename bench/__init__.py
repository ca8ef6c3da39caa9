"""Benchmarks that print figures (never timed assertions): ``python -m bench`` runs the suite (bench/run_all.py)."""
