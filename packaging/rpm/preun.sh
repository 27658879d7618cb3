# portico-gateway (rpm %preun): on the last erase ($1 = 0) the service stops and is disabled.
# RPM has no purge: /var/lib/portico and the user stay (packaging/README.md).
if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now portico-gateway.service >/dev/null 2>&1 || true
    systemctl stop 'portico-gateway@*.service' >/dev/null 2>&1 || true
fi
exit 0
