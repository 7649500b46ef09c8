"""Benchmarks: autograd_mini timed against micrograd (`make bench`).

Not part of the installed package; `python benchmarks/compare.py` runs the suite.
"""
