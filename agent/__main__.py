"""`python -m agent` does what the `upright` command does."""

import sys

from agent.cli import main

sys.exit(main())
