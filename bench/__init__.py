"""Benchmarks for Compact Practice (not tests): a synthetic corpus, queries and timing runs."""
