"""The chat of `switchboard demo`, as Python functions run by the gateway's own workers.

Same contract as the built-in Java chat, so the demo page works with either: a client connects
to /chat?nick=alice&room=lobby; each room is the group "room:<name>"; the page receives JSON
objects {"type": "join" | "message" | "leave", "nick", "room", "text", "at", "mine"}.

Run from the repository root:

    ./switchboard demo --config examples/chat-python/chat.yaml

and open http://localhost:8080/ in two browser windows. Only the standard library is used; the
push API's address comes from SWITCHBOARD_PUSH_URL (and SWITCHBOARD_PUSH_TOKEN), which the
gateway sets for its workers.
"""

import json
import os
import re
import time
import urllib.error
import urllib.request

MAX_NICK = 24
MAX_TEXT = 1000
ROOM = re.compile(r"[A-Za-z0-9_-]{1,32}")


def push_to_room(room, message, exclude=()):
    body = {"websocket": {"action": "data send", "group": "room:" + room, "dataType": "text",
                          "data": json.dumps(message), "exclude": list(exclude)}}
    request = urllib.request.Request(os.environ["SWITCHBOARD_PUSH_URL"], data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    if os.environ.get("SWITCHBOARD_PUSH_TOKEN"):
        request.add_header("Authorization", "Bearer " + os.environ["SWITCHBOARD_PUSH_TOKEN"])
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except (urllib.error.URLError, OSError) as error:  # a lost notice must not fail the function
        print(f"push to room {room} failed: {error}")
        return -1


def notice(kind, nick, room):
    return {"type": kind, "nick": nick, "room": room, "at": int(time.time() * 1000)}


def register(event, context):
    query = event.get("queryString", {})
    nick = " ".join(query.get("nick", "").split())
    room = query.get("room", "").strip() or "lobby"
    if not nick or len(nick) > MAX_NICK or any(ord(c) < 32 for c in nick):
        return {"errNo": 4001, "errMsg": f"nick: '{nick}' (expected: 1 to {MAX_NICK} printable characters)",
                "httpStatus": 400}
    if not ROOM.fullmatch(room):
        return {"errNo": 4001, "errMsg": f"room: '{room}' (expected: 1 to 32 of A-Z a-z 0-9 _ -)",
                "httpStatus": 400}
    push_to_room(room, notice("join", nick, room))  # the newcomer is not in the group yet
    return {"errNo": 0, "errMsg": "ok", "context": {"nick": nick, "room": room}, "groups": ["room:" + room]}


def transfer(event, context):
    ws = event["websocket"]
    text = ws.get("data", "").strip()[:MAX_TEXT]
    if ws.get("dataType") != "text" or not text:
        return {"errNo": 0, "errMsg": "ok"}
    nick, room = event["context"]["nick"], event["context"]["room"]
    message = dict(notice("message", nick, room), text=text)
    push_to_room(room, message, exclude=[ws["secConnectionID"]])
    return {"errNo": 0, "errMsg": "ok",
            "reply": {"dataType": "text", "data": json.dumps(dict(message, mine=True))}}


def cleanup(event, context):
    ctx = event.get("context") or {}
    if ctx.get("nick") and ctx.get("room"):
        push_to_room(ctx["room"], notice("leave", ctx["nick"], ctx["room"]))
    print(f"{ctx.get('nick', '?')} left: {event.get('closedBy')} {event.get('closeCode')}")
    return {"errNo": 0, "errMsg": "ok"}
