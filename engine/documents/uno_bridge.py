"""One warm LibreOffice converter: run by the system Python that has the `uno` module (Debian's python3-uno),
never imported by the application (whose virtualenv Python cannot import `uno`).

It starts its own headless soffice with a private profile and a UNO pipe, connects to it, prints `READY`, then
converts one request per stdin line: a JSON object {"source": path, "target": path}; it answers one JSON line,
{"ok": true} or {"ok": false, "error": "..."}. The pool (converter_pool.py) owns this process's session, so
killing the session also kills soffice. stdout carries only the protocol; soffice's own chatter goes to stderr.
"""
import json
import os
import signal
import subprocess
import sys
import time

import uno  # noqa: F401 - provided by python3-uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_SECONDS = 60


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _start_soffice(soffice, profile_dir, pipe_name):
    command = [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
               "--nofirststartwizard", f"-env:UserInstallation={uno.systemPathToFileUrl(profile_dir)}",
               f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext"]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sys.stderr, stderr=sys.stderr)


def _connect(pipe_name, soffice_process):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except NoConnectException:
            if soffice_process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop, source, target):
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                            (_property("Hidden", True), _property("ReadOnly", True)))
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        document.storeToURL(uno.systemPathToFileUrl(target), (_property("FilterName", "writer_pdf_Export"),))
    finally:
        document.close(True)


def _stop(desktop, soffice_process):
    """End soffice however the loop ended (stdin closed, or the owner gone mid-answer: BrokenPipeError).

    `soffice` is a wrapper whose child soffice.bin does the work, so killing the wrapper alone would orphan
    soffice.bin; both are in this bridge's process group (the pool starts the bridge in a session of its own), so
    the group is signalled, the bridge itself excepted."""
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - soffice is signalled below anyway
            pass
    try:
        soffice_process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    if os.getpgrp() == os.getpid():
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.killpg(os.getpgrp(), signal.SIGTERM)


def main():
    soffice, profile_dir, pipe_name = sys.argv[1:4]
    process = _start_soffice(soffice, profile_dir, pipe_name)
    desktop = None
    try:
        desktop = _connect(pipe_name, process)
        print("READY", flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            try:
                _convert(desktop, request["source"], request["target"])
                answer = {"ok": True}
            except Exception as exc:  # noqa: BLE001 - reported to the pool, which decides
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(answer), flush=True)
    finally:
        _stop(desktop, process)


if __name__ == "__main__":
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    main()
