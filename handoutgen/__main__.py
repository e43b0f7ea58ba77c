"""``python -m handoutgen``: command-line arguments -> handoutgen.cli.main."""

import sys

from .cli import main

sys.argv[0] = "python -m handoutgen"  # the name --help and usage errors give (parser._prog)
sys.exit(main())
