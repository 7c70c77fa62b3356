"""``python -m crosslink``: the same CLI as the ``crosslink`` command."""

from crosslink.cli import main

# Guarded: worker processes (crosslink.parallel, forkserver/spawn) import the main
# module again under another name, and must not run the command a second time.
if __name__ == "__main__":
    main()
