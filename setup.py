"""The compiled parts of the call-centre import (Cython); everything else about the package is in pyproject.toml.
Each module has a Python twin the code falls back on when it is not built (see the modules' docstrings)."""
from Cython.Build import cythonize
from setuptools import setup

extensions = cythonize(["processes/calls/queue_log_compiled.pyx", "processes/calls/call_rows_compiled.pyx"],
                       language_level=3, quiet=True)
for extension in extensions:
    extension.optional = True       # without a C compiler the package installs and runs the Python twins (slower)
setup(ext_modules=extensions)
