#!/usr/bin/env bash
# Install Upright into ./.venv, with the system packages it needs.
#   bash scripts/install.sh           the agent
#   bash scripts/install.sh --test    the agent, the test tools and the virtual X server the tests drive
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(python3-venv python3-dev python3-tk gcc)  # venv; Tk windows; pynput's evdev compiles
test_packages=(xvfb xdotool trayer x11-utils)    # a real X server, input, tray host, window tools
test_packages+=(desktop-file-utils libglib2.0-bin)  # check the autostart entry; start it as a session does (gio)
test_packages+=(dbus-daemon)  # private session and stand-in system buses for the screen-lock tests
test_packages+=(shellcheck)  # lint the IT install script in deploy/linux
extra=""
if [[ "${1:-}" == "--test" ]]; then
  system_packages+=("${test_packages[@]}")
  extra="[test]"
fi

missing=()
if command -v dpkg >/dev/null; then
  for package in "${system_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
fi
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Upright needs Python 3.11 or newer; $python is $("$python" --version 2>&1). Set PYTHON=python3.11." >&2
  exit 1
fi
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".$extra"
echo "Upright is installed: .venv/bin/upright"
bash scripts/link_command.sh .venv/bin  # `upright` on the PATH, as pipx would put it
