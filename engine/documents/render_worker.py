"""The template rendering process: one docx rendered at a time under an address-space and CPU limit.

Started by engine/documents/bounded.py as `python -m engine.documents.render_worker MEMORY_MB` (the same pipes and
limits as the sandbox's worker, engine/sandbox/worker.py). A template that loops too long is ended by the parent
or RLIMIT_CPU; one that builds too much fails here with MemoryError and this process is replaced.
"""
from __future__ import annotations

import sys

from engine.sandbox.worker import limit_cpu, serve

from .errors import TemplateRejected
from .rendering import render_in_this_process


def handle(request: tuple) -> tuple:
    template, context, seconds, max_output_bytes = request
    limit_cpu(seconds)
    try:
        document = render_in_this_process(template, context)
    except MemoryError:
        return ("memory",)
    except TemplateRejected as exc:
        return ("rejected", str(exc), exc.problems)
    if len(document) > max_output_bytes:
        return ("too_large", len(document))
    return ("ok", document)


if __name__ == "__main__":
    serve(int(sys.argv[1]), handle)
