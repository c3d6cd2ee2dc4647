"""Benchmarks: how fast and how far the pipeline scales (see benchmarks/RESULTS.md)."""
