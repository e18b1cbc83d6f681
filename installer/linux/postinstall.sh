#!/bin/sh
# Let the service account read its configuration, and tell systemd about the unit.
set -e
chgrp ecrin /etc/ecrin /etc/ecrin/ecrin.yaml
chmod 0750 /etc/ecrin
chmod 0640 /etc/ecrin/ecrin.yaml
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
	if systemctl is-enabled --quiet ecrin.service 2>/dev/null; then
		systemctl try-restart ecrin.service   # upgrade: run the new binary
	else
		echo "ecrin: edit /etc/ecrin/ecrin.yaml, run 'ecrin check', then 'systemctl enable --now ecrin'"
	fi
fi
