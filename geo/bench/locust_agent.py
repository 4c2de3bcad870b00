"""The Locust side of the load test without browsers (run by :mod:`geo.bench.agent_load` in a process of its own,
because Locust patches the standard library with gevent when it is imported).

Each Locust user is one real Streamlit session driven through the agent API (``POST /_stcore/agent/interact``):
it opens the map page of a national set for a period, as a link would, then changes the map's indicator
``changes`` times, ``think_s`` seconds apart. The agent API answers once the session's rerun has finished, so the time of one request is
the server's answer to one change. A change counts only when the app finished its run without an error and the
picker holds the value sent.

Bounded three ways: the number of users, a time limit, and the number of changes per user. Only loopback
hosts are accepted.

``python -m geo.bench.locust_agent --hosts http://127.0.0.1:8501 --users 10 --changes 5 --period 2024
--boundaries vn-2025 --time-limit 120`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import sys
import time
from urllib.parse import urlsplit

INTERACT = "/_stcore/agent/interact"
MAX_USERS = 300


def loopback_only(url: str) -> str:
    """``url`` when its host is a loopback address; ValueError otherwise (the load test never leaves the machine)."""
    host = urlsplit(url).hostname or ""
    addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise ValueError(f"not a loopback host: {url}")
    return url


def _user_class(hosts, set_id: str, period: str, changes: int, think_s: float, samples: list, errors: list):
    from locust import HttpUser, constant, task
    from locust.exception import StopUser

    counter = {"n": 0}

    class MapSession(HttpUser):
        wait_time = constant(think_s)  # a person looks at the map between two changes
        host = hosts[0]

        def on_start(self):
            k = counter["n"]
            counter["n"] += 1
            self.index = k
            self.client.base_url = hosts[k % len(hosts)]  # the users split evenly over the processes
            self.done = 0
            body = {"page": "ban-do", "query_params": {"boundaries": [set_id], "period": [period]}}
            data = self._post(body, "open")
            self.session_id = data.get("session_id") if data else None
            picker = _widget(data or {}, "map_indicator") or {}
            # the picker's options as the page labels them (a request sends the label a person picks)
            self.options = list((picker.get("props") or {}).get("options") or [])[:7]
            if not self.session_id or len(self.options) < 2:
                errors.append("open: no session or no indicator picker on the map page")
                raise StopUser()

        def _post(self, body: dict, name: str):
            t0 = time.perf_counter()
            # a new connection per request: the server closes idle keep-alive connections after 5 s (uvicorn),
            # the think time is about as long, and a request sent on a connection being closed is reset
            with self.client.post(INTERACT, json=body, name=name, catch_response=True, timeout=180,
                                  headers={"Connection": "close"}) as r:
                elapsed = time.perf_counter() - t0
                try:
                    data = r.json()
                except ValueError:
                    data = {}
                if r.status_code != 200 or data.get("status") != "ready":
                    why = data.get("status") or data.get("error") or r.error
                    msg = f"{name}: HTTP {r.status_code} {str(why)[:200]}"
                    errors.append(msg)
                    r.failure(msg)
                    return None
                r.success()
            samples.append((name, elapsed, time.time()))
            return data

        @task
        def change(self):
            if self.done >= changes:
                raise StopUser()
            label = self.options[(self.index + self.done + 1) % len(self.options)]
            data = self._post({"session_id": self.session_id, "widget_state": {"map_indicator": label}}, "change")
            held = (_widget(data, "map_indicator") or {}).get("value") if data is not None else label
            if held != label:
                errors.append(f"change: the picker holds {held!r}, not {label!r}")
            self.done += 1

    return MapSession


def _widget(snapshot: dict, key: str) -> dict | None:
    """The node of the widget ``key`` in a snapshot's element tree."""
    stack = list(snapshot.get("tree", {}).get("children", []))
    while stack:
        node = stack.pop()
        if node.get("key") == key:
            return node
        stack.extend(node.get("children", []) or [])
    return None


def run(hosts, users: int, changes: int, set_id: str, period: str, time_limit_s: float, think_s: float = 5.0) -> dict:
    import gevent
    from locust.env import Environment

    hosts = [loopback_only(h) for h in hosts]
    users = max(1, min(int(users), MAX_USERS))
    samples: list = []
    errors: list = []
    cls = _user_class(hosts, set_id, period, changes, think_s, samples, errors)
    env = Environment(user_classes=[cls], host=hosts[0])
    runner = env.create_local_runner()
    t0 = time.time()
    runner.start(users, spawn_rate=max(1.0, users / 10.0))  # all users within ten seconds
    stopper = gevent.spawn_later(time_limit_s, runner.quit)

    def all_done():
        while True:
            gevent.sleep(0.5)
            if runner.user_count == 0 and time.time() - t0 > users / max(1.0, users / 10.0):
                runner.quit()
                return

    watcher = gevent.spawn(all_done)
    runner.greenlet.join()
    stopper.kill()
    watcher.kill()
    return {"hosts": hosts, "users": users, "changes_per_user": changes, "think_s": think_s, "wall_s": round(time.time() - t0, 2),
            "timed_out": time.time() - t0 >= time_limit_s - 0.5,
            "samples": [(n, round(s, 4), round(at, 3)) for n, s, at in samples], "errors": errors[:50],
            "error_count": len(errors)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hosts", required=True)
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--changes", type=int, default=5)
    p.add_argument("--boundaries", default="vn-2025")
    p.add_argument("--period", required=True)
    p.add_argument("--time-limit", type=float, default=300.0)
    p.add_argument("--think", type=float, default=5.0, help="seconds a session waits between two changes")
    a = p.parse_args(argv)
    out = run(a.hosts.split(","), a.users, a.changes, a.boundaries, a.period, a.time_limit, a.think)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
