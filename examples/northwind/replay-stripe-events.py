#!/usr/bin/env python3
"""Replays the Stripe webhook events of the Northwind orders into a running Corral server,
each signed the way Stripe signs it (HMAC-SHA256 of "timestamp.body" with the endpoint's
signing secret), oldest first.

Usage: CORRAL_KEY=corral_... python3 examples/northwind/replay-stripe-events.py
CORRAL_URL defaults to http://127.0.0.1:8750. STRIPE_WEBHOOK_SECRET defaults to a local
example secret, which is set on the server when it has none yet.
"""
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
URL = os.environ.get("CORRAL_URL", "http://127.0.0.1:8750").rstrip("/")
KEY = os.environ.get("CORRAL_KEY") or sys.exit("set CORRAL_KEY to an API key")
SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_northwind_example_local_secret")


def call(method, path, body=None, headers=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(URL + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


auth = {"Authorization": f"Token {KEY}"}
status, settings = call("GET", "/integrations/stripe", headers=auth)
if status != 200:
    sys.exit(f"could not read the Stripe settings: {settings}")
if not settings["webhook_secrets"]:
    status, answer = call("PUT", "/integrations/stripe", {"webhook_secrets": [SECRET]}, auth)
    if status != 200:
        sys.exit(f"could not set the webhook secret: {answer}")
elif "…" + SECRET[-4:] not in settings["webhook_secrets"]:
    sys.exit("the server has another webhook secret; pass it as STRIPE_WEBHOOK_SECRET")

outcomes = {}
with open(os.path.join(HERE, "events.jsonl"), encoding="utf-8") as events:
    lines = [line.strip() for line in events if line.strip()]
for n, line in enumerate(lines, 1):
    body = line.encode()
    stamp = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    status, answer = call("POST", "/integrations/stripe/webhook", body,
                          {"Stripe-Signature": f"t={stamp},v1={signature}"})
    if status != 200:
        sys.exit(f"event {n} was refused: {answer}")
    outcomes[answer["outcome"]] = outcomes.get(answer["outcome"], 0) + 1
    if n % 100 == 0 or n == len(lines):
        print(f"\rStripe events: {n}/{len(lines)}", end="", file=sys.stderr)
print(file=sys.stderr)
print(", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())), file=sys.stderr)
