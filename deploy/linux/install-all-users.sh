#!/usr/bin/env bash
# Install Upright for every user of this Linux machine, or remove it again.
#
#   sudo deploy/linux/install-all-users.sh [--policy FILE] [SOURCE]
#   sudo deploy/linux/install-all-users.sh --uninstall
#
# SOURCE is a wheel (upright-*.whl), a source checkout, or a pip requirement
# such as "upright==0.1.0"; default: "upright" from PyPI.
#
# What it does, in order; running it again upgrades in place:
#   1. Debian packages Upright needs (python3-venv python3-tk gcc python3-dev),
#      only where apt-get exists, only those missing
#   2. a virtual environment in $PREFIX with Upright installed in it
#   3. the policy FILE checked with `upright config validate`; a bad policy
#      stops the install here, before anything outside $PREFIX changes
#   4. $BIN_DIR/upright linked to the venv's command
#   5. the policy copied (atomically) to $POLICY_DIR/policy.toml
#   6. `upright autostart enable --all-users`: the agent starts at every
#      user's next login (the entry goes to the first of $XDG_CONFIG_DIRS,
#      /etc/xdg by default, under autostart/upright.desktop)
# --uninstall undoes 6, 4 and 2 and leaves the policy file in place.
#
# Every place can be moved through the environment:
#   PREFIX=/opt/upright      the virtual environment
#   BIN_DIR=/usr/local/bin   where the `upright` command is linked
#   POLICY_DIR=/etc/xdg/upright  (the first of $XDG_CONFIG_DIRS, plus /upright) where the
#                            agent looks for policy.toml; elsewhere, agents will not find it
#   PYTHON=python3           the Python (3.11 or newer) the venv is made from
#   PIP_ARGS="..."           extra options for pip install, e.g. "--index-url URL" for a mirror
#   SKIP_APT=1               do not install Debian packages (you provide them)
set -euo pipefail

PREFIX=${PREFIX:-/opt/upright}
BIN_DIR=${BIN_DIR:-/usr/local/bin}
first_config_dir=${XDG_CONFIG_DIRS:-/etc/xdg}
first_config_dir=${first_config_dir%%:*}
POLICY_DIR=${POLICY_DIR:-${first_config_dir:-/etc/xdg}/upright}
PYTHON=${PYTHON:-python3}
PIP_ARGS=${PIP_ARGS:-}
SKIP_APT=${SKIP_APT:-}
APT_PACKAGES=(python3-venv python3-tk gcc python3-dev)  # venv; Tk windows; pynput's evdev compiles

me=$(basename "$0")
say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

install_apt_packages() {
  if [[ -n "$SKIP_APT" ]] || ! command -v apt-get >/dev/null; then
    return
  fi
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) -eq 0 ]] || die "installing ${missing[*]} needs root: run with sudo, or SKIP_APT=1 if you provide them"
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

make_venv() {
  local source=$1
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || die "Upright needs Python 3.11 or newer; '$PYTHON' is not. Set PYTHON=python3.11."
  if [[ ! -x "$PREFIX/bin/python" ]]; then
    say "creating a virtual environment in $PREFIX"
    "$PYTHON" -m venv "$PREFIX"
  fi
  say "installing $source into $PREFIX"
  # shellcheck disable=SC2086  # PIP_ARGS is a list of options, split on purpose
  "$PREFIX/bin/python" -m pip install -q --disable-pip-version-check --upgrade $PIP_ARGS "$source"
  local version
  version=$("$PREFIX/bin/upright" --version) || die "the installed upright does not start; see the error above"
  say "installed $version"
}

validate_policy() {
  local policy=$1
  "$PREFIX/bin/upright" config validate --as policy "$policy" \
    || die "the policy $policy has the problems above; fix them and run this again (nothing outside $PREFIX was changed)"
}

link_command() {
  local link="$BIN_DIR/upright"
  if [[ -e "$link" && ! -L "$link" ]]; then
    die "$link exists and is not a link; move it away first"
  fi
  mkdir -p "$BIN_DIR"
  ln -sfn "$PREFIX/bin/upright" "$link"
  say "linked $link -> $PREFIX/bin/upright"
}

drop_policy() {
  local policy=$1 staged
  mkdir -p "$POLICY_DIR"
  staged=$(mktemp "$POLICY_DIR/.policy.toml.XXXXXX")
  cp "$policy" "$staged"
  chmod 0644 "$staged"  # every user's agent reads it
  mv -f "$staged" "$POLICY_DIR/policy.toml"
  say "policy in place: $POLICY_DIR/policy.toml"
}

install() {
  local source=$1 policy=$2
  if [[ -n "$policy" && ! -f "$policy" ]]; then
    die "no policy file at $policy"
  fi
  install_apt_packages
  make_venv "$source"
  [[ -z "$policy" ]] || validate_policy "$policy"
  link_command
  [[ -z "$policy" ]] || drop_policy "$policy"
  "$PREFIX/bin/upright" autostart enable --all-users
  say "done: Upright starts at each user's next login"
}

uninstall() {
  if [[ -x "$PREFIX/bin/upright" ]]; then
    "$PREFIX/bin/upright" autostart disable --all-users
  fi
  local link="$BIN_DIR/upright"
  if [[ -L "$link" && "$(readlink "$link")" == "$PREFIX/bin/upright" ]]; then
    rm -f "$link"
    say "removed $link"
  fi
  if [[ -f "$PREFIX/pyvenv.cfg" ]]; then
    rm -rf "$PREFIX"
    say "removed $PREFIX"
  elif [[ -e "$PREFIX" ]]; then
    die "$PREFIX is not a virtual environment; not removing it"
  fi
  if [[ -f "$POLICY_DIR/policy.toml" ]]; then
    say "left the policy $POLICY_DIR/policy.toml in place; delete it if it is no longer wanted"
  fi
}

main() {
  local source="" policy="" action=install
  while (($#)); do
    case $1 in
      --policy) (($# >= 2)) || die "--policy needs a FILE"; policy=$2; shift 2 ;;
      --policy=*) policy=${1#--policy=}; shift ;;
      --uninstall) action=uninstall; shift ;;
      -h|--help) usage; exit 0 ;;
      -*) die "unknown option $1 (see --help)" ;;
      *) [[ -z "$source" ]] || die "one SOURCE only (see --help)"; source=$1; shift ;;
    esac
  done
  if [[ $action == uninstall ]]; then
    [[ -z "$source$policy" ]] || die "--uninstall takes no SOURCE or --policy"
    uninstall
  else
    install "${source:-upright}" "$policy"
  fi
}

main "$@"
