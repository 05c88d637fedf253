"""Where the health articles the content cites are: $UPRIGHT_REFERENCE_DIR, else
shared/reference beside the checkout (as on CI and the developers' machines).

Tests that read them carry NEED_ARTICLES: in a plain clone they skip, saying
where they looked; in CI (CI=true) a missing folder fails them (tests/ci.py).
"""

import os
from pathlib import Path

from tests.ci import needs

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "reference"
REFERENCE = Path(os.environ.get("UPRIGHT_REFERENCE_DIR", _BESIDE))
NEED_ARTICLES = needs(REFERENCE.is_dir(), f"the source articles are not in {REFERENCE} "
                                          "(check out shared/ beside the repository or set UPRIGHT_REFERENCE_DIR)")
