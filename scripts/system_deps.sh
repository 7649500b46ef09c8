#!/usr/bin/env bash
# Install the system packages autograd_mini uses, if missing:
#   graphviz  - the `dot` program that turns graphs into SVG
#   chromium  - only for the test that plays the animation in a real browser
#   python3-venv - Debian's system Python needs it for `python3 -m venv`
# As root we apt-get them; otherwise we print the one-line command to run.
set -euo pipefail

want=()
command -v dot >/dev/null 2>&1 || want+=(graphviz)
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || want+=(python3-venv)
if [ "${WITH_BROWSER:-0}" = "1" ] || [ "${CI:-}" = "true" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
fi
[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "Missing system packages: ${want[*]}. Install them with: sudo apt-get install ${want[*]}" >&2
  echo "(continuing: pictures that need them will explain what is missing)" >&2
fi
