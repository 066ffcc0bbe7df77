"""Benchmarks of the demo generator, the transition function and the worklist (bin/bench)."""
