#!/usr/bin/env python3
"""A tiny chat backend for Switchboard, using only the Python standard library.

Serves the three functions of a route as HTTP endpoints:

  POST /register  accepts every connection and picks the first subprotocol the client offered
  POST /transfer  sends each message back to its sender through the push API; answers "ping"
                  with "pong" through the `reply` extension as well
  POST /cleanup   logs how the connection ended

Run:  python3 functions.py [PORT]          (default port 9000)

Environment:
  SWITCHBOARD_PUSH_URL    the gateway's push API (default http://127.0.0.1:8081/push)
  SWITCHBOARD_PUSH_TOKEN  bearer token, when the gateway sets push.token

The handlers are written like Tencent SCF functions: each takes the event (a dict) and returns
the response (a dict). Nothing is stored; every value the gateway needs travels in the events.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUSH_URL = os.environ.get("SWITCHBOARD_PUSH_URL", "http://127.0.0.1:8081/push")
PUSH_TOKEN = os.environ.get("SWITCHBOARD_PUSH_TOKEN", "")


def log(*parts):
    print(*parts, flush=True)


def push(body):
    """POSTs a push request; returns (HTTP status, response body as a dict)."""
    request = urllib.request.Request(
        PUSH_URL, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    if PUSH_TOKEN:
        request.add_header("Authorization", "Bearer " + PUSH_TOKEN)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:  # 4xx/5xx still carry {"errNo", "errMsg"}
        return error.code, json.load(error)


def register(event):
    ws = event["websocket"]
    offered = ws.get("secWebSocketProtocol", "")  # present only when the client offered some
    chosen = offered.split(",")[0].strip()
    log(f"register conn={ws['secConnectionID']} from {event['requestContext']['sourceIp']}"
        f" subprotocol={chosen or '-'}")
    # To refuse, return e.g. {"errNo": 4001, "errMsg": "who are you?"}: the client gets HTTP 403.
    return {"errNo": 0, "errMsg": "ok",
            "websocket": {"action": "connecting", "secConnectionID": ws["secConnectionID"],
                          "secWebSocketProtocol": chosen}}


def transfer(event):
    ws = event["websocket"]
    conn, data_type, data = ws["secConnectionID"], ws["dataType"], ws["data"]
    log(f"transfer conn={conn} {data_type}: {data[:80]}")
    status, answer = push({"websocket": {"action": "data send", "secConnectionID": conn,
                                         "dataType": data_type, "data": data}})
    log(f"  push answered {status} {answer}")
    if data_type == "text" and data == "ping":
        # Switchboard extension: a top-level `reply` is sent to the sender. Nothing else in a
        # transfer response ever reaches the client.
        return {"errNo": 0, "errMsg": "ok", "reply": {"dataType": "text", "data": "pong"}}
    return {"errNo": 0, "errMsg": "ok"}


def cleanup(event):
    log(f"cleanup conn={event['websocket']['secConnectionID']} closedBy={event.get('closedBy')}"
        f" closeCode={event.get('closeCode')} closeReason={event.get('closeReason')!r}")
    return {"errNo": 0, "errMsg": "ok"}


HANDLERS = {"/register": register, "/transfer": transfer, "/cleanup": cleanup}


class FunctionServer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway reuses its connections

    def do_POST(self):
        handler = HANDLERS.get(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if handler is None:
            return self.answer(404, {"errNo": 404, "errMsg": "no function at " + self.path})
        try:
            self.answer(200, handler(json.loads(body)))
        except Exception as error:  # a non-200 answer: the gateway treats the call as failed
            log(f"{self.path} failed: {error!r}")
            self.answer(500, {"errNo": 500, "errMsg": str(error)})

    def answer(self, status, result):
        payload = json.dumps(result).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # the handlers log what matters
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    server = ThreadingHTTPServer(("127.0.0.1", port), FunctionServer)
    log(f"functions on http://127.0.0.1:{port} (register, transfer, cleanup); pushing to {PUSH_URL}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
