#!/usr/bin/env bash
# The README's test command. On a fresh machine it sets up everything the suite needs:
# a virtual environment with the project and its test extras, Debian's chromium (browser tests
# drive it through Playwright; no browser is downloaded), a CJK font for readable screenshots and
# Mosquitto for the MQTT ingest tests, and redis-server for the live-feed test.
# Extra arguments go to pytest. Set YINGJI_DATABASE_URL=postgres://… to run on PostgreSQL.
# `--no-tests` alone: all of the above and ruff, but no pytest (.ci/run then runs both databases side by side).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
# The MQTT tests start their own Mosquitto (so they can restart it); only the binary is needed.
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
# The live-feed test starts its own Redis, as production's web workers share one for wake-ups.
command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] || need+=(redis-server)
if ((${#need[@]})); then
  sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  echo "Installing ${need[*]} from Debian packages …"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

.venv/bin/ruff check src tests benchmarks
[[ ${1:-} == --no-tests ]] && exit 0
exec .venv/bin/pytest "$@"
