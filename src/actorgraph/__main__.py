"""``python -m actorgraph``: the command line, as the ``actorgraph`` script runs it."""

import sys

from actorgraph.cli._main import main

sys.exit(main())
