"""Where the health articles the content cites are: $UPRIGHT_REFERENCE_DIR, else
shared/reference beside the checkout (as on CI and the developers' machines)."""

import os
from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "reference"
REFERENCE = Path(os.environ.get("UPRIGHT_REFERENCE_DIR", _BESIDE))
