"""``python -m watchkeeper``: the same command as ``watchkeeper`` (process supervisors, tests)."""

from watchkeeper.cli import main

main()
