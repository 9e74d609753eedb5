.PHONY: demo test test-fast setup bench

demo: setup
	.venv/bin/okuyami demo

test:
	scripts/test

test-fast:
	scripts/test -m "not slow"

setup:
	scripts/setup

bench: setup
	.venv/bin/python -m bench.engine
	.venv/bin/python -m bench.dmn
	.venv/bin/python -m bench.timers
	.venv/bin/python -m bench.web_pages
	.venv/bin/python -m bench.booking
	.venv/bin/python -m bench.packet
	.venv/bin/python -m bench.sandbox
	.venv/bin/python -m bench.faq
	.venv/bin/python -m bench.calls
	.venv/bin/python -m bench.load
	.venv/bin/python -m bench.public
	.venv/bin/python -m bench.japan_day --quick
