#!/bin/sh
# SIDELINE_NOTIFY example: mail the alert (JSON on stdin) to the medical team.
# Needs a configured `mail` (bsd-mailx or mailutils); set SIDELINE_ALERT_TO.
set -eu
body=$(cat)
event=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["event"])')
printf '%s\n' "$body" | mail -s "Sideline: $event" "${SIDELINE_ALERT_TO:?set SIDELINE_ALERT_TO}"
