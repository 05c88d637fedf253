#!/usr/bin/env bash
# Mutation testing: mutmut changes the code of the modules listed under [tool.mutmut] in pyproject.toml
# one small way at a time (a < for a <=, a constant, a call dropped) and runs their tests against each
# change; a change no test notices is a "survivor". Prints the score per area and lists the survivors.
#   bash scripts/mutation.sh                 a full run from scratch (about 30 min on 2 cores)
#   bash scripts/mutation.sh --keep          reuse mutants/ from an earlier run (only changed code is re-tested)
# Fails if agent/core or the atomic writer keep fewer than 90 % killed. CPU heavy: it runs niced.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/python ]] || bash scripts/install.sh --test
.venv/bin/python -c 'import mutmut' 2>/dev/null || .venv/bin/python -m pip install -q "mutmut>=3.3,<4"
[[ "${1:-}" == "--keep" ]] || rm -rf mutants
children=$(( $(nproc) > 1 ? $(nproc) : 1 ))
nice -n 10 .venv/bin/mutmut run --max-children "$children" >mutants.log 2>&1 || { tail -40 mutants.log; exit 1; }
.venv/bin/mutmut results --all true >mutants/results.txt
exec .venv/bin/python -m benchmarks.mutation_score mutants/results.txt
