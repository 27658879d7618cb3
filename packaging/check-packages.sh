#!/usr/bin/env bash
# The packages as a user gets them (ctest's packaging_check; packaging/README.md):
#   check-packages.sh BUILD_DIR CPACK [gui|headless]
# builds the .deb, .rpm and .tgz of an already built tree with cpack; runs lintian on the .debs
# (no error; every warning must be one packaging/README.md justifies); unpacks the .debs into a
# throwaway root and runs the installed portico-gateway from there: --version, `config check` on
# the installed /etc/portico/config.yaml, and `serve` answering /health and a request with a key
# the installed command line made; checks the units with systemd-analyze (verify, and the
# security exposure against a ceiling), the AppStream and .desktop metadata with their
# validators, and the .rpms' files, config files, scripts and requirements with rpm -qp.
# "headless" (the -DPORTICO_GUI=OFF build) has only the gateway package.
set -euo pipefail

build=$(cd "$1" && pwd)
cpack=$2
flavour=${3:-gui}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
version=$(grep -m1 -o 'project(Portico VERSION [0-9.]*' "$source_dir/CMakeLists.txt" | awk '{print $3}')
# The highest exposure systemd-analyze security may give portico-gateway.service (0 is best,
# 10 worst; "OK" below 2.0). packaging/README.md has the measured score.
max_exposure=2.5

work=$build/packaging-check
rm -rf "$work"
mkdir -p "$work"
serve_pid=
cleanup() {
    [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
step() { echo; echo "== $*"; }

step "cpack (DEB, RPM, TGZ)"
# cpack must stage /etc/portico, never write this machine's (packaging/CMakeLists.txt).
etc_before=$(ls -la /etc/portico 2>/dev/null || true)
(cd "$build" && "$cpack" -G "DEB;RPM;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1) || {
    cat "$work/cpack.log" >&2
    echo "FAIL: cpack" >&2
    exit 1
}
[[ $(ls -la /etc/portico 2>/dev/null || true) == "$etc_before" ]] || fail "cpack changed /etc/portico"
gateway_deb=$work/out/portico-gateway_${version}_amd64.deb
desktop_deb=$work/out/portico_${version}_amd64.deb
# The first file matching a pattern, or empty (no ls: under pipefail its "no match" would end
# the script).
first() { local files=("$@"); [[ -e ${files[0]} ]] && echo "${files[0]}" || true; }
gateway_rpm=$(first "$work"/out/portico-gateway-"$version"-*.rpm)
desktop_rpm=$(first "$work"/out/portico-"$version"-*.rpm)
tgz=$(first "$work"/out/portico-"$version"-*.tar.gz)
expected=("$gateway_deb" "$gateway_rpm" "$tgz")
[[ $flavour == gui ]] && expected+=("$desktop_deb" "$desktop_rpm")
for file in "${expected[@]}"; do
    if [[ -n $file && -f $file ]]; then pass "built $(basename "$file")"; else fail "a package is missing: $(ls "$work/out")"; fi
done
if [[ $flavour == headless && -e $desktop_deb ]]; then fail "headless build made a desktop package"; fi
((failures == 0)) || exit 1
debs=("$gateway_deb")
[[ $flavour == gui ]] && debs+=("$desktop_deb")

step "control data"
control=$(dpkg-deb --field "$gateway_deb")
echo "$control" | grep -E '^(Package|Version|Depends|Recommends):'
grep -q '^Depends:.*libqt6sql6-sqlite' <<<"$control" || fail "portico-gateway does not depend on libqt6sql6-sqlite"
grep -q '^Depends:.*adduser' <<<"$control" || fail "portico-gateway does not depend on adduser"
grep -q '^Depends:.*libqt6core6' <<<"$control" || fail "dpkg-shlibdeps found no Qt dependency"
conffiles=$(dpkg-deb --ctrl-tarfile "$gateway_deb" | tar -xOf - ./conffiles)
for file in /etc/portico/config.yaml /etc/portico/portico.conf; do
    grep -qx "$file" <<<"$conffiles" && pass "conffile $file" || fail "$file is not a conffile"
done
if [[ $flavour == gui ]]; then
    control=$(dpkg-deb --field "$desktop_deb")
    echo "$control" | grep -E '^(Package|Version|Depends|Recommends):'
    depends=$(grep '^Depends:' <<<"$control")
    for dependency in "portico-gateway (= $version)" qt6-qpa-plugins libqt6sql6-sqlite libqt6widgets6; do
        grep -qF "$dependency" <<<"$depends" &&
            pass "portico depends on $dependency" || fail "portico does not depend on $dependency"
    done
fi

step "lintian"
lintian_out=$work/lintian.txt
# --fail-on error: warnings do not fail lintian itself; they are checked against the list below.
if ! lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$lintian_out" 2>&1; then
    cat "$lintian_out"
    fail "lintian found errors"
fi
cat "$lintian_out"
while read -r tag; do
    if grep -q -- "\`$tag\`" "$source_dir/packaging/README.md"; then
        pass "lintian warning $tag is justified in packaging/README.md"
    else
        fail "lintian warning $tag is not justified in packaging/README.md"
    fi
done < <(sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' "$lintian_out" | sort -u)

step "installed into a throwaway root"
root=$work/root
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$root"; done
gw=$root/usr/bin/portico-gateway
# Nothing from this machine's own /etc/portico: the tree under test only.
export PORTICO_SYSTEM_CONF=
unset PORTICO_DB PORTICO_CONFIG PORTICO_LISTEN
export XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
out=$("$gw" --version)
[[ $out == "portico-gateway $version" ]] && pass "$out" || fail "--version said: $out"
if "$gw" --config "$root/etc/portico/config.yaml" config check >"$work/check.txt" 2>&1; then
    pass "config check of the installed /etc/portico/config.yaml"
else
    cat "$work/check.txt"
    fail "config check of the installed config.yaml"
fi
cmp -s "$root/etc/portico/config.yaml" "$root/usr/share/portico/config.yaml" ||
    fail "/etc/portico/config.yaml differs from the bundled one"
grep -q '^PORTICO_DB=/var/lib/portico/portico.db$' "$root/etc/portico/portico.conf" ||
    fail "portico.conf does not name /var/lib/portico/portico.db"

store=$work/state/portico.db
mkdir -p "$work/state"
"$gw" --db "$store" groups create packaged >/dev/null
"$gw" --db "$store" groups add-route packaged demo >/dev/null
# The key stays in a variable: never printed.
key=$("$gw" --db "$store" keys create "packaging check" --group packaged 2>/dev/null)
"$gw" --db "$store" --config "$root/etc/portico/config.yaml" serve --listen 127.0.0.1:0 \
    2>"$work/serve.log" &
serve_pid=$!
address=
for _ in $(seq 1 300); do
    address=$(sed -n 's|^Portico gateway listening on http://\([^ ]*\) .*|\1|p' "$work/serve.log")
    [[ -n $address ]] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $address ]]; then
    cat "$work/serve.log"
    fail "the installed portico-gateway serve did not start"
else
    health=$(curl -sS -w ' %{http_code}' "http://$address/health" || true)
    [[ $health == *'"ok"'*' 200' ]] && pass "/health from the installed tree: 200 ok" ||
        fail "/health answered: $health"
    reply=$(curl -sS -w ' %{http_code}' -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' \
        -d '{"model":"demo","messages":[{"role":"user","content":"packaged hello"}]}' \
        "http://$address/v1/chat/completions" || true)
    [[ $reply == *'packaged hello'*' 200' ]] && pass "a key of the installed CLI is accepted by the installed serve" ||
        fail "the demo route answered: ${reply: -200}"
fi
kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
serve_pid=
unset key

if [[ $flavour == gui ]]; then
    out=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/portico" --version 2>&1 || true)
    [[ $out == *"$version"* ]] && pass "portico --version: $out" || fail "portico --version said: $out"
fi

step "systemd units"
units=$root/usr/lib/systemd/system
for unit in portico-gateway.service portico-gateway@.service; do
    [[ -f $units/$unit ]] || fail "$unit is not installed"
done
# verify checks that ExecStart's binary exists, and the one to check is in the throwaway root: a
# copy of each unit with only that path pointing there (--root would also want the rest of a
# system, sysinit.target and /bin/kill, in it).
mkdir -p "$work/units"
for unit in portico-gateway.service portico-gateway@.service; do
    sed "s|/usr/bin/portico-gateway|$root/usr/bin/portico-gateway|" "$units/$unit" >"$work/units/$unit"
done
if (cd "$work/units" && systemd-analyze verify portico-gateway.service portico-gateway@1.service) \
    >"$work/verify.txt" 2>&1 && ! grep -q . "$work/verify.txt"; then
    pass "systemd-analyze verify portico-gateway.service portico-gateway@1.service"
else
    cat "$work/verify.txt"
    fail "systemd-analyze verify"
fi
security=$(systemd-analyze security --offline=true --root="$root" \
    "$units/portico-gateway.service" 2>&1 || true)
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$security")
if [[ -n $score ]] && awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'; then
    pass "systemd-analyze security: exposure $score (ceiling $max_exposure)"
else
    echo "$security" | tail -20
    fail "systemd-analyze security exposure ${score:-unknown} above $max_exposure"
fi

step "metadata"
if [[ $flavour == gui ]]; then
    metainfo=$root/usr/share/metainfo/io.portico.Portico.metainfo.xml
    appstreamcli validate --no-net "$metainfo" && pass "appstreamcli validate --no-net" ||
        fail "appstreamcli validate"
    grep -q "<release version=\"$version\"" "$metainfo" ||
        fail "the metainfo's latest release is not $version"
    grep -q '<project_license>MIT</project_license>' "$metainfo" || fail "no MIT project_license"
    desktop-file-validate "$root/usr/share/applications/portico.desktop" &&
        pass "desktop-file-validate" || fail "desktop-file-validate"
    [[ -f $root/usr/share/icons/hicolor/scalable/apps/portico.svg ]] || fail "no icon"
fi
for package in portico-gateway $([[ $flavour == gui ]] && echo portico); do
    grep -q '^License: Expat' "$root/usr/share/doc/$package/copyright" &&
        pass "$package ships its licence" || fail "$package has no copyright file"
done

step "rpm"
rpm_files=$(rpm -qpl "$gateway_rpm" 2>/dev/null)
for file in /usr/bin/portico-gateway /etc/portico/config.yaml /etc/portico/portico.conf \
    /usr/lib/systemd/system/portico-gateway.service /usr/share/doc/portico-gateway/copyright; do
    grep -qx "$file" <<<"$rpm_files" && pass "rpm has $file" || fail "the gateway rpm lacks $file"
done
# Folders of the system (filesystem, systemd packages) must not be claimed: they would conflict.
for folder in /etc /usr /usr/bin /usr/lib /usr/lib/systemd /usr/lib/systemd/system /usr/share \
    /usr/share/doc; do
    grep -qx "$folder" <<<"$rpm_files" && fail "the gateway rpm claims $folder"
done
rpm_config=$(rpm -qpc "$gateway_rpm" 2>/dev/null)
grep -qx /etc/portico/config.yaml <<<"$rpm_config" && grep -qx /etc/portico/portico.conf <<<"$rpm_config" &&
    pass "rpm config files: $(tr '\n' ' ' <<<"$rpm_config")" || fail "rpm config files: $rpm_config"
requires=$(rpm -qpR "$gateway_rpm" 2>/dev/null)
for requirement in qt6-qtbase 'libQt6Sql.so.6()(64bit)' 'libQt6Network.so.6()(64bit)' shadow-utils; do
    grep -qF "$requirement" <<<"$requires" && pass "rpm requires $requirement" || fail "the gateway rpm does not require $requirement"
done
grep -q 'useradd -r -g portico' <<<"$(rpm -qp --scripts "$gateway_rpm" 2>/dev/null)" ||
    fail "the gateway rpm does not make the user portico"
[[ $(rpm -qp --qf '%{LICENSE}' "$gateway_rpm" 2>/dev/null) == MIT ]] || fail "the rpm licence is not MIT"
if [[ $flavour == gui ]]; then
    requires=$(rpm -qpR "$desktop_rpm" 2>/dev/null)
    for requirement in "portico-gateway = $version" qt6-qtbase-gui 'libQt6Widgets.so.6()(64bit)'; do
        grep -qF "$requirement" <<<"$requires" && pass "portico rpm requires $requirement" ||
            fail "the portico rpm does not require $requirement"
    done
    grep -qx /usr/bin/portico <<<"$(rpm -qpl "$desktop_rpm" 2>/dev/null)" || fail "the portico rpm lacks /usr/bin/portico"
fi

step "tgz"
# (Lists in variables, not pipes into grep -q: with pipefail an early grep would fail the pipe.)
tgz_files=$(tar -tzf "$tgz")
for file in usr/bin/portico-gateway usr/share/portico/config.yaml usr/share/portico/portico.conf \
    usr/share/doc/portico-gateway/copyright; do
    grep -q "/$file\$" <<<"$tgz_files" && pass "tgz has $file" || fail "the tgz lacks $file"
done

echo
if ((failures)); then
    echo "packaging_check: $failures failure(s)"
    exit 1
fi
echo "packaging_check: all passed"
