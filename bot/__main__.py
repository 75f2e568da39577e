"""`python -m bot` is the same as the `partnerops` console script."""

from bot.cli import main

raise SystemExit(main())
