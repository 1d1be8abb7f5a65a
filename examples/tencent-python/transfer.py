# -*- coding: utf8 -*-
"""Transfer function, written as for Tencent SCF's WebSocket integration.

Forwards every message to the connection this one is paired with, through the push address.
A connection without a partner is told to wait.
"""
import json
import os

import requests

import pairs

PUSH_URL = os.environ.get("SWITCHBOARD_PUSH_URL", "http://127.0.0.1:8081/push")
HEADERS = {"Authorization": "Bearer " + os.environ["SWITCHBOARD_PUSH_TOKEN"]} \
    if os.environ.get("SWITCHBOARD_PUSH_TOKEN") else {}


def send(connection_id, data_type, data):
    response = requests.post(PUSH_URL, headers=HEADERS, timeout=5, json={"websocket": {
        "action": "data send", "secConnectionID": connection_id, "dataType": data_type, "data": data}})
    print("push to %s answered %d %s" % (connection_id, response.status_code, response.text))
    return response.json()


def main_handler(event, context):
    ws = event["websocket"]
    sender = ws["secConnectionID"]
    peer = pairs.peer_of(sender)
    if peer is None:
        send(sender, "text", "waiting for a partner")
    else:
        send(peer, ws["dataType"], ws["data"])
    return event  # the Tencent samples return the event; it is never sent to anyone
