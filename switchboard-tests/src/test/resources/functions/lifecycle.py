"""Handlers for the process runtime tests: the same behaviour as lifecycle.js.

register  refuses ?refuse=<errNo>, picks the first offered subprotocol, keeps ?recorder= in context
transfer  "push:<text>" pushes "pushed:<text>" to the sender through SWITCHBOARD_PUSH_URL;
          "print:<text>" prints <text>; "pid" and "id" reply with the worker's pid and the
          connection id; "context" replies with SCF's context fields; "raise" raises;
          "hang" never returns; "die" kills its own process; anything else is echoed as a reply
cleanup   posts the close event to the recorder URL kept in the connection's context
"""
import json
import os
import signal
import time
import urllib.request


def _post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    token = os.environ.get("SWITCHBOARD_PUSH_TOKEN")
    if token and url == os.environ["SWITCHBOARD_PUSH_URL"]:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def register(event, context):
    query = event.get("queryString", {})
    if "refuse" in query:
        return {"errNo": int(query["refuse"]), "errMsg": "refused by " + context["function_name"]}
    if "raise" in query:
        raise RuntimeError("registration blew up")
    offered = event["websocket"].get("secWebSocketProtocol", "")
    return {"errNo": 0, "errMsg": "ok",
            "websocket": {"action": "connecting",
                          "secConnectionID": event["websocket"]["secConnectionID"],
                          "secWebSocketProtocol": offered.split(",")[0].strip()},
            "context": {"recorder": query.get("recorder", "")}}


def transfer(event, context):
    ws = event["websocket"]
    data = ws["data"]
    if data.startswith("push:"):
        _post(os.environ["SWITCHBOARD_PUSH_URL"],
              {"websocket": {"action": "data send", "secConnectionID": ws["secConnectionID"],
                             "dataType": "text", "data": "pushed:" + data[len("push:"):]}})
        return {"errNo": 0, "errMsg": "ok"}
    if data.startswith("print:"):
        print(data[len("print:"):])
        return {"errNo": 0, "errMsg": "ok", "reply": {"dataType": "text", "data": "printed"}}
    if data == "pid":
        return {"errNo": 0, "reply": {"dataType": "text", "data": str(os.getpid())}}
    if data == "id":
        return {"errNo": 0, "reply": {"dataType": "text", "data": ws["secConnectionID"]}}
    if data == "context":
        fields = {key: context[key] for key in
                  ("request_id", "function_name", "time_limit_in_ms", "memory_limit_in_mb")}
        fields["attribute"] = context.function_name
        fields["requestContextId"] = event["requestContext"]["requestId"]
        return {"errNo": 0, "reply": {"dataType": "text", "data": json.dumps(fields)}}
    if data == "raise":
        raise ValueError("transfer was told to raise")
    if data == "hang":
        while True:
            time.sleep(1)
    if data == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return {"errNo": 0, "errMsg": "ok", "reply": {"dataType": ws["dataType"], "data": data}}


def cleanup(event, context):
    recorder = (event.get("context") or {}).get("recorder")
    if recorder:
        _post(recorder, event)
    return {"errNo": 0, "errMsg": "ok"}
