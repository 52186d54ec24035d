"""Entry point for `python -m talentboard`."""
import sys

from talentboard.cli import main

sys.exit(main())
