#!/usr/bin/env bash
# Replaces the README's command reference (between the BEGIN/END REFERENCE markers) with `fanout reference`.
set -euo pipefail
bin=$1 readme=$2
ref=$(mktemp)
"$bin" reference > "$ref"
python3 - "$readme" "$ref" <<'PY'
import sys, re
readme, ref = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin = text.index("<!-- BEGIN REFERENCE")
begin = text.index("\n", begin) + 1
end = text.index("<!-- END REFERENCE -->")
open(readme, "w").write(text[:begin] + "\n" + ref.rstrip("\n") + "\n\n" + text[end:])
PY
rm -f "$ref"
