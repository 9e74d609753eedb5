"""Benchmarks of the engine against stock SpiffWorkflow. Run `python -m bench.engine --help`; see README.md."""
