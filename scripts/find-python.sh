#!/usr/bin/env bash
# Prints the path of a Python 3.10 (Rasa 3.6 runs on 3.8-3.10 only), or explains what to install.
is310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
candidates=(python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "${candidates[@]}"; do
  if is310 "$p"; then command -v "$p"; exit 0; fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs Python 3.10 (3.11 and newer do not work).
Install one of:
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
  - python.org installer for 3.10
then run make again.
MSG
exit 1
