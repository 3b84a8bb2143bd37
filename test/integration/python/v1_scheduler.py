#!/usr/bin/env python3
"""A tiny Mesos v1 HTTP scheduler written from the public API docs alone, with its own RecordIO
framing (byte lengths, no trailing newline). Plateau's tests run it to check the wire format with an
implementation that shares no code with Plateau. Usage: v1_scheduler.py http://host:port
It launches one task, acknowledges every update, and prints a JSON summary on stdout."""
import http.client
import json
import sys
import threading
import urllib.parse

master = urllib.parse.urlparse(sys.argv[1])


def records(resp):
    """Yield RecordIO records from a chunked response, re-framing across chunk boundaries."""
    buf = b""
    while True:
        chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(1)
        if not chunk:
            return
        buf += chunk
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            length = int(buf[:nl].decode("ascii"))
            if len(buf) < nl + 1 + length:
                break
            yield buf[nl + 1 : nl + 1 + length]
            buf = buf[nl + 1 + length :]


def call(stream_id, body):
    conn = http.client.HTTPConnection(master.hostname, master.port, timeout=10)
    conn.request("POST", "/api/v1/scheduler", json.dumps(body), {"Content-Type": "application/json", "Mesos-Stream-Id": stream_id})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


conn = http.client.HTTPConnection(master.hostname, master.port, timeout=30)
conn.request(
    "POST",
    "/api/v1/scheduler",
    json.dumps({"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "root", "name": "python-v1", "failover_timeout": None}}}),
    {"Content-Type": "application/json", "Accept": "application/json"},
)
resp = conn.getresponse()
summary = {"status": resp.status, "content_type": resp.getheader("Content-Type"), "stream_id": resp.getheader("Mesos-Stream-Id"), "events": [], "states": [], "accept_status": None}
stream_id = summary["stream_id"]
framework_id = None
launched = False
for raw in records(resp):
    event = json.loads(raw.decode("utf-8"))
    summary["events"].append(event["type"])
    if event["type"] == "SUBSCRIBED":
        framework_id = event["subscribed"]["framework_id"]
        summary["framework_id"] = framework_id["value"]
    elif event["type"] == "OFFERS" and not launched:
        offer = event["offers"]["offers"][0]
        task = {
            "name": "py-task",
            "task_id": {"value": "py-task-1"},
            "agent_id": offer["agent_id"],
            "resources": [
                {"name": "cpus", "type": "SCALAR", "scalar": {"value": "0.1"}},
                {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}},
            ],
            "command": {"value": "echo python-was-here", "shell": "true"},
        }
        summary["accept_status"] = call(stream_id, {"type": "ACCEPT", "framework_id": framework_id, "accept": {"offer_ids": [offer["id"]], "operations": [{"type": "LAUNCH", "launch": {"task_infos": [task]}}], "filters": {"refuse_seconds": 60}}})
        launched = True
    elif event["type"] == "UPDATE":
        status = event["update"]["status"]
        summary["states"].append(status["state"])
        if "uuid" in status:
            call(stream_id, {"type": "ACKNOWLEDGE", "framework_id": framework_id, "acknowledge": {"agent_id": status["agent_id"], "task_id": status["task_id"], "uuid": status["uuid"]}})
        if status["state"] in ("TASK_FINISHED", "TASK_FAILED", "TASK_ERROR", "TASK_LOST"):
            summary["teardown_status"] = call(stream_id, {"type": "TEARDOWN", "framework_id": framework_id})
            break
print(json.dumps(summary))
