#!/bin/sh
# Forget the removed unit. State in /var/lib/ecrin is kept.
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
