# portico-gateway (rpm %pre): the user "portico" before the files, so portico.conf can be
# root:portico 0640.
getent group portico >/dev/null || groupadd -r portico
getent passwd portico >/dev/null ||
    useradd -r -g portico -d /var/lib/portico -s /sbin/nologin -c "Portico AI gateway" portico
exit 0
