#!/usr/bin/env bash
# Bring uv (with pip when it is missing) and create .venv from uv.lock. Never downloads a Python build.
set -euo pipefail
export UV_PYTHON_DOWNLOADS=never
PY="${PYTHON:-python3}"
if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
elif [ -x .tools/bin/uv ]; then
  UV=.tools/bin/uv
else
  echo "uv not found: installing it with pip into .tools/ ..." >&2
  if "$PY" -m venv .tools >/dev/null 2>&1 && .tools/bin/python -m pip install -q uv; then
    UV=.tools/bin/uv
  else
    rm -rf .tools
    "$PY" -m pip install --user -q uv || "$PY" -m pip install --user -q --break-system-packages uv
    UV="$("$PY" -c 'import sysconfig,os;print(os.path.join(sysconfig.get_path("scripts", f"{os.name}_user"),"uv"))')"
  fi
fi
"$UV" sync --frozen --python "$(command -v "$PY")" >&2
