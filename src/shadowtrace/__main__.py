"""``python -m shadowtrace`` runs the command line."""

from shadowtrace.cli.main import main

main()
