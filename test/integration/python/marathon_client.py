#!/usr/bin/env python3
"""Drives Plateau's Marathon with Debian's python3-marathon (an unmodified third-party client):
create, list, scale, tasks, kill, versions, info, delete. Prints a JSON summary of what it saw.
Usage: marathon_client.py http://host:port"""
import json
import sys
import time

from marathon import MarathonClient
from marathon.models import MarathonApp

client = MarathonClient(sys.argv[1], timeout=10)
out = {}


def wait(pred, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit("timed out waiting for " + what)


out["ping"] = client.ping().decode() if isinstance(client.ping(), bytes) else str(client.ping())
app = client.create_app("py-sleep", MarathonApp(cmd="sleep 3600", cpus=0.1, mem=16, instances=1, labels={"owner": "python"}))
out["created_id"] = app.id
out["listed"] = [a.id for a in client.list_apps()]
tasks = wait(lambda: [t for t in client.list_tasks("py-sleep") if t.state == "TASK_RUNNING"], "a running task")
out["first_task"] = tasks[0].id
client.scale_app("py-sleep", instances=2)
running = wait(lambda: (lambda ts: ts if len(ts) == 2 else None)([t for t in client.list_tasks("py-sleep") if t.state == "TASK_RUNNING"]), "two running tasks")
out["scaled_tasks"] = len(running)
got = client.get_app("py-sleep")
out["instances"] = got.instances
out["labels"] = got.labels
out["tasks_running"] = got.tasks_running
client.kill_task("py-sleep", out["first_task"], scale=True)
wait(lambda: client.get_app("py-sleep").instances == 1, "scaled down by kill")
out["versions"] = len(client.list_versions("py-sleep"))
info = client.get_info()
out["info_name"] = info.name
out["leader"] = client.get_leader()
out["deployments_after"] = len(wait(lambda: client.list_deployments() == [] and [True], "deployments to finish"))
client.delete_app("py-sleep", force=True)
wait(lambda: "/py-sleep" not in [a.id for a in client.list_apps()], "app deleted")
out["deleted"] = True
print(json.dumps(out, default=str))
