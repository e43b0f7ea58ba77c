#!/usr/bin/env python3
"""Entry point: command-line arguments -> handoutgen.cli.main (see README.md)."""

import sys

from handoutgen.cli import main

if __name__ == "__main__":
    sys.exit(main())
