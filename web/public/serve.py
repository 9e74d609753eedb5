"""Serving the public application with several processes on one port: the socket is bound once, then each worker
process runs waitress on it (the kernel hands each connection to one of them), so a search page can use every
core. Imports only the public application."""
from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)
    return listener


def _run(data_dir: Path, listener: socket.socket, threads: int) -> None:
    import logging

    import waitress

    from web.public.app import create_public_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)        # a busy queue is not an error here

    waitress.serve(create_public_app(data_dir), sockets=[listener], threads=threads, ident="okuyami-public",
                   _quiet=True)


def serve(data_dir: Path, host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    """Blocks until interrupted; with workers > 1 (POSIX only) the parent waits for its worker processes."""
    listener = bind(host, port)
    if workers <= 1 or not hasattr(os, "fork"):
        _run(data_dir, listener, threads)
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                _run(data_dir, listener, threads)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_):
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()

if __name__ == "__main__":
    # python -m web.public.serve DIR PORT [WORKERS]: the same server without the okuyami command's imports.
    serve(Path(sys.argv[1]), "127.0.0.1", int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2)
