"""Switchboard worker process for python: functions.

The gateway starts it as `python3 worker.py /abs/path/handler.py handler_name`, in the handler
file's directory, with SWITCHBOARD_WORKER_SOCKET naming a Unix socket that the gateway listens
on. The protocol travels on that socket only, one JSON object per line, so nothing the handler
prints (or any library or child process writes to file descriptor 1 or 2) can corrupt it:

  gateway -> worker  {"type": "invoke", "id": 7, "event": {...}, "context": {...}}
  worker -> gateway  {"type": "ready"}                       the handler file is loaded
                     {"type": "fatal", "error", "traceback"}  it could not be; the worker exits
                     {"type": "log", "stream", "text"}        one line the handler printed
                     {"type": "result", "id", "body"}         the handler returned body
                     {"type": "error", "id", "error", "traceback"}  the handler raised

The context reaches the handler as it came, so it has "traceparent" (the W3C trace context of
the call's span) whenever the gateway's tracing is on.

One invocation at a time: the gateway sends the next request only after the answer to the last.
The worker exits when the gateway closes the socket.
"""

import asyncio
import importlib.util
import inspect
import io
import json
import os
import socket
import sys
import threading
import time
import traceback

class _Lines(io.TextIOBase):
    """Stands in for sys.stdout and sys.stderr: every complete line becomes a log message."""

    def __init__(self, stream, send, fd):
        super().__init__()
        self._stream = stream
        self._send = send
        self._fd = fd
        self._buffer = ""
        self._lock = threading.Lock()

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        # Libraries that write to the descriptor itself reach the gateway's log too, untagged.
        return self._fd

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        with self._lock:
            lines = (self._buffer + text).split("\n")
            self._buffer = lines.pop()
        for line in lines:
            self._send({"type": "log", "stream": self._stream, "text": line})
        return len(text)

    def flush(self):
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest:
            self._send({"type": "log", "stream": self._stream, "text": rest})


class Context(dict):
    """SCF's context: a dict (context["request_id"]) that also reads as attributes (context.request_id)."""

    def __init__(self, fields):
        super().__init__(fields)
        self._deadline = time.monotonic() + fields["time_limit_in_ms"] / 1000.0

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _describe(error):
    return type(error).__name__ + (": " + str(error) if str(error) else "")


def _load(file, name):
    directory = os.path.dirname(file)
    sys.path[0] = directory  # the handler imports its neighbours, as on SCF; not this worker's folder
    module_name = os.path.splitext(os.path.basename(file))[0]
    spec = importlib.util.spec_from_file_location(module_name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    handler = getattr(module, name, None)
    if not callable(handler):
        raise AttributeError(f"{os.path.basename(file)} has no function {name}(event, context)")
    return handler


def _invoke(handler, request, send):
    try:
        result = handler(request["event"], Context(request["context"]))
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        answer = json.dumps({"type": "result", "id": request["id"], "body": result})
    except Exception as error:  # SystemExit and KeyboardInterrupt end the worker, as they should
        answer = json.dumps({"type": "error", "id": request["id"], "error": _describe(error),
                             "traceback": traceback.format_exc()})
    # Lines printed without a newline belong to this invocation: they go before its answer.
    sys.stdout.flush()
    sys.stderr.flush()
    send(answer)


async def _awaited(awaitable):
    return await awaitable


def main():
    file, name = sys.argv[1], sys.argv[2]
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(os.environ.pop("SWITCHBOARD_WORKER_SOCKET"))
    lock = threading.Lock()

    def send(message):
        # json.dumps escapes every non-ASCII character, so the line is plain ASCII
        line = message if isinstance(message, str) else json.dumps(message)
        with lock:
            connection.sendall(line.encode("ascii") + b"\n")

    sys.stdout = _Lines("stdout", send, 1)
    sys.stderr = _Lines("stderr", send, 2)
    sys.stdin = open(os.devnull)
    try:
        handler = _load(file, name)
    except BaseException as error:  # SyntaxError, ImportError, SystemExit at import time...
        send({"type": "fatal", "error": _describe(error), "traceback": traceback.format_exc()})
        return 1
    send({"type": "ready"})
    for line in connection.makefile("rb"):
        _invoke(handler, json.loads(line), send)
    return 0


if __name__ == "__main__":
    sys.exit(main())
