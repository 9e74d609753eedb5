"""`python -m web.cli`: the `okuyami` command."""
from web.cli import main

main()
