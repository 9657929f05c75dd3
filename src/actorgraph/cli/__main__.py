"""``python -m actorgraph.cli``: the command line."""

import sys

from actorgraph.cli._main import main

sys.exit(main())
