# portico-gateway (rpm %postun): an upgrade ($1 >= 1) restarts a running service.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    if [ "$1" -ge 1 ]; then
        systemctl try-restart portico-gateway.service >/dev/null 2>&1 || true
    fi
fi
exit 0
