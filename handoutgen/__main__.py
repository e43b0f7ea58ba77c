"""``python -m handoutgen``: command-line arguments -> handoutgen.cli.main."""

import sys

from .cli import main

sys.exit(main())
