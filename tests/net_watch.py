"""Run `python -m agent ...` with an audit hook that records every socket the agent makes or uses.

    python tests/net_watch.py run --config FILE      (the record goes to $UPRIGHT_NET_WATCH)

Python raises an audit event for each socket created, connected, bound or
sent to, and for each name lookup; the hook writes one JSON line per event,
for the whole life of the process, so a test can say what the agent reached
for from start to quit, not only what it held at one moment. Sockets opened
by C libraries (Tk's own X connection) raise no event: the test samples
/proc for those.
"""

from __future__ import annotations

import json
import os
import runpy
import socket
import sys

EVENTS = ("socket.__new__", "socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg",
          "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo")


def _describe(value):
    if isinstance(value, socket.socket):
        return {"family": int(value.family)}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, tuple):
        return [_describe(v) for v in value]
    return repr(value)


def main() -> None:
    record = open(os.environ["UPRIGHT_NET_WATCH"], "a", buffering=1, encoding="utf-8")

    def hook(event: str, args: tuple) -> None:
        if event in EVENTS:
            record.write(json.dumps({"event": event, "args": _describe(args)}) + "\n")

    sys.addaudithook(hook)
    sys.argv = ["agent", *sys.argv[1:]]
    runpy.run_module("agent", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
