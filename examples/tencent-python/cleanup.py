# -*- coding: utf8 -*-
"""Cleanup function, written as for Tencent SCF's WebSocket integration.

When one side of a pair leaves, closes the other side's connection too, through the push
address, with close code 4000.
"""
import json
import os

import requests

import pairs

PUSH_URL = os.environ.get("SWITCHBOARD_PUSH_URL", "http://127.0.0.1:8081/push")
HEADERS = {"Authorization": "Bearer " + os.environ["SWITCHBOARD_PUSH_TOKEN"]} \
    if os.environ.get("SWITCHBOARD_PUSH_TOKEN") else {}


def main_handler(event, context):
    print("cleanup event: " + json.dumps(event))
    connection_id = event["websocket"]["secConnectionID"]
    peer = pairs.leave(connection_id)
    if peer:
        response = requests.post(PUSH_URL, headers=HEADERS, timeout=5, json={"websocket": {
            "action": "closing", "secConnectionID": peer, "closeCode": 4000, "closeReason": "partner left"}})
        print("closing %s answered %d %s" % (peer, response.status_code, response.text))
    return {"errNo": 0, "errMsg": "ok"}
