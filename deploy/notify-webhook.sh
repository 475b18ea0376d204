#!/bin/sh
# SIDELINE_NOTIFY example: post the alert (JSON on stdin) to a chat webhook (Slack, Teams,
# Mattermost and others take {"text": ...}). Set SIDELINE_WEBHOOK_URL. The alert holds ids,
# counts and paths, never a name.
set -eu
python3 -c '
import json, sys, urllib.request
alert = json.load(sys.stdin)
event = alert.pop("event")
text = "Sideline " + event + ": " + json.dumps(alert, indent=1)
request = urllib.request.Request(
    sys.argv[1], data=json.dumps({"text": text}).encode(),
    headers={"Content-Type": "application/json"},
)
urllib.request.urlopen(request, timeout=30)
' "${SIDELINE_WEBHOOK_URL:?set SIDELINE_WEBHOOK_URL}"
