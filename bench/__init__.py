"""Benchmarks and the synthetic-data generator (not run by the test suite)."""
