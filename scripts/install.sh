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
test_packages+=(sway xwayland wayland-utils grim x11-xserver-utils)  # headless Wayland (wlroots), X11 apps in it, screenshots, xhost
test_packages+=(mutter dconf-service waybar)  # headless GNOME compositor (IdleMonitor, RemoteDesktop) and its settings store; a real StatusNotifier host
test_packages+=(wine wine64 wixl msitools)  # the Windows lane: the Windows build under Wine; the MSI (wixl, msiinfo)
# Installed without their recommends: kwin-wayland alone is a compositor (about 18 s); with them, most of Plasma.
lean_test_packages=(kwin-wayland)  # headless KDE compositor (ext-idle-notify-v1, org_kde_kwin_idle, fake input)
lean_packages=()
extra=""
if [[ "${1:-}" == "--test" ]]; then
  system_packages+=("${test_packages[@]}")
  lean_packages+=("${lean_test_packages[@]}")
  extra="[test]"
fi

missing_from() {  # the named packages dpkg does not know as installed
  local package
  command -v dpkg >/dev/null || return 0
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || echo "$package"
  done
}
mapfile -t missing < <(missing_from "${system_packages[@]}")
mapfile -t missing_lean < <(missing_from "${lean_packages[@]}")
if ((${#missing[@]} + ${#missing_lean[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing system packages: ${missing[*]} ${missing_lean[*]}"
  $sudo apt-get update -qq
  if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ((${#missing_lean[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_lean[@]}" >/dev/null
  fi
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
