"""Start-up hook of the processes a benchmark runs on its movable clock (bench/shifted_clock.py); on PYTHONPATH only
for them."""
from bench.shifted_clock import install_from_environment

install_from_environment()
