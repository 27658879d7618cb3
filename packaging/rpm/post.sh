# portico-gateway (rpm %post): the private state folder, and on a first install ($1 = 1) the unit
# enabled but not started.
mkdir -p /var/lib/portico
chown portico:portico /var/lib/portico
chmod 0700 /var/lib/portico
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl enable portico-gateway.service >/dev/null 2>&1 || true
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
