#!/usr/bin/env bash
# Put `upright` on the user's PATH the way pipx does: links in ~/.local/bin
# (or $UPRIGHT_BIN_DIR) to the commands of an installed virtual environment.
#   bash scripts/link_command.sh /path/to/.venv/bin
# A file there that is not a link to an Upright install is left alone, with a warning.
set -euo pipefail
venv_bin=$(cd "$1" && pwd)
bin_dir=${UPRIGHT_BIN_DIR:-$HOME/.local/bin}
mkdir -p "$bin_dir"
for name in upright upright-agent; do
  target="$venv_bin/$name"
  link="$bin_dir/$name"
  [[ -x "$target" ]] || continue
  if [[ -e "$link" || -L "$link" ]] && ! [[ -L "$link" && "$(readlink "$link")" == */bin/"$name" ]]; then
    echo "Not linking $link: a file of that name is there already (not an Upright link). Use $target." >&2
    continue
  fi
  ln -sfn "$target" "$link"
  echo "Linked $link -> $target"
done
case ":$PATH:" in
  *":$bin_dir:"*)
    echo "Run it as: upright run  (and upright status, upright break, ... from any folder)" ;;
  *)
    echo "Warning: $bin_dir is not on your PATH, so 'upright' is not found yet." >&2
    echo "  Add it: echo 'export PATH=\"$bin_dir:\$PATH\"' >> ~/.profile, then log out and in" >&2
    echo "  (many desktops add ~/.local/bin at login once it exists). Until then: $venv_bin/upright" >&2 ;;
esac
