"""``python -m crosslink``: the same CLI as the ``crosslink`` command."""

from crosslink.cli import main

main()
