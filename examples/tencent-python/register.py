# -*- coding: utf8 -*-
"""Registration function, written as for Tencent SCF's WebSocket integration.

Accepts every connection, answers with the subprotocol(s) the client offered, declines every
extension (permessage-deflate included), and pairs the connection with one that is waiting.
"""
import json
import os

import requests

import pairs

# On Tencent this is the API's reverse push address; Switchboard gives it to its workers.
PUSH_URL = os.environ.get("SWITCHBOARD_PUSH_URL", "http://127.0.0.1:8081/push")
HEADERS = {"Authorization": "Bearer " + os.environ["SWITCHBOARD_PUSH_TOKEN"]} \
    if os.environ.get("SWITCHBOARD_PUSH_TOKEN") else {}


def main_handler(event, context):
    print("register event: " + json.dumps(event))
    ws = event["websocket"]
    connection_id = ws["secConnectionID"]
    answer = {
        "errNo": 0,
        "errMsg": "ok",
        "websocket": {
            "action": "connecting",
            "secConnectionID": connection_id,
        },
    }
    if "secWebSocketProtocol" in ws:
        # echo what the client offered; the gateway picks the first offered value from it
        answer["websocket"]["secWebSocketProtocol"] = ws["secWebSocketProtocol"]
    if "secWebSocketExtensions" in ws:
        for extension in ws["secWebSocketExtensions"].split(";"):
            print("declining extension " + extension.strip())
        answer["websocket"]["secWebSocketExtensions"] = ""

    while True:
        waiting = pairs.arrive(connection_id)
        if not waiting:
            break
        response = requests.post(PUSH_URL, headers=HEADERS, timeout=5, json={"websocket": {
            "action": "data send", "secConnectionID": waiting, "dataType": "text",
            "data": "paired with " + connection_id}})
        if response.status_code != 410:
            break
        pairs.forget(waiting, connection_id)  # gone without a cleanup, e.g. the gateway was killed
    print("connecting: " + connection_id + (" paired with " + waiting if waiting else " waits"))
    return answer
