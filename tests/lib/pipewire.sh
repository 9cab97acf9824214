# A private PipeWire 0.3.65 daemon + WirePlumber for a test (sourced; WORK must be set).
# Shared by tests/plugins/test_pipewire.sh (virtual microphone) and
# tests/media/test_pipewire_cam.sh (virtual camera). Facts behind it (doc DESIGN.md, Hosts):
# XDG_RUNTIME_DIR in the test's folder; the stock pipewire.conf, which loads
# libpipewire-module-access (without it clients hang); WirePlumber needs a D-Bus session bus.
#
#   pw_prepare           runtime dir, home, $WORK/conf/pipewire.conf (+ pipewire.conf.d/ for
#                        drop-ins); exports the environment clients use. Returns 1 with a reason.
#   pw_dbus_start        a private session bus (what dbus-run-session gives), for a test that runs
#                        its steps from its own shell; pw_stop ends it too.
#   pw_start             pipewire, then WirePlumber; waits for the socket and for WirePlumber to
#                        be a client. Prints "SETUP: reason" and returns 3 when either fails.
#   pw_wait_node NAME [TENTHS]  waits for a node with node.name NAME (default 10 s).
#   pw_stop              ends what pw_start / pw_dbus_start started.

pw_prepare() {
  mkdir -p "$WORK/run" "$WORK/conf/pipewire.conf.d" "$WORK/home" || return 1
  chmod 700 "$WORK/run"
  export XDG_RUNTIME_DIR=$WORK/run PIPEWIRE_RUNTIME_DIR=$WORK/run HOME=$WORK/home
  export XDG_CONFIG_HOME=$WORK/home/.config XDG_STATE_HOME=$WORK/home/.state
  unset PIPEWIRE_REMOTE PULSE_SERVER
  [ -f /usr/share/pipewire/pipewire.conf ] || { echo "no /usr/share/pipewire/pipewire.conf"; return 1; }
  cp /usr/share/pipewire/pipewire.conf "$WORK/conf/pipewire.conf" || return 1
  grep -q libpipewire-module-access "$WORK/conf/pipewire.conf" \
    || { echo "pipewire.conf does not load libpipewire-module-access (clients would hang)"; return 1; }
}

pw_dbus_start() {
  dbus-daemon --session --fork --nopidfile --print-address=3 --print-pid=4 \
    3>"$WORK/dbus.addr" 4>"$WORK/dbus.pid" || { echo "SETUP: dbus-daemon --session did not start"; return 3; }
  DBUS_SESSION_BUS_ADDRESS=$(head -1 "$WORK/dbus.addr")
  export DBUS_SESSION_BUS_ADDRESS
}

pw_start() {
  PIPEWIRE_CONFIG_DIR=$WORK/conf pipewire >"$WORK/pw.log" 2>&1 & echo $! > "$WORK/pw.pid"
  for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] && break; sleep 0.1; done
  [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] || { echo "SETUP: pipewire did not start: $(tail -5 "$WORK/pw.log")"; return 3; }
  wireplumber >"$WORK/wp.log" 2>&1 & echo $! > "$WORK/wp.pid"
  for _ in $(seq 100); do pw-cli ls Client 2>/dev/null | grep -qi '"wireplumber"' && break; sleep 0.1; done
  pw-cli ls Client 2>/dev/null | grep -qi '"wireplumber"' \
    || { echo "SETUP: WirePlumber did not connect: $(tail -5 "$WORK/wp.log")"; return 3; }
}

pw_wait_node() {
  local n=$1 tries=${2:-100}
  for _ in $(seq "$tries"); do pw-cli ls Node 2>/dev/null | grep -q "node.name = \"$n\"" && return 0; sleep 0.1; done
  return 1
}

pw_stop() {
  local f p
  for f in wp pw dbus; do
    [ -f "$WORK/$f.pid" ] || continue
    p=$(head -1 "$WORK/$f.pid"); [ -n "$p" ] && kill "$p" 2>/dev/null
    rm -f "$WORK/$f.pid"
  done
}
