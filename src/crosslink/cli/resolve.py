"""Commands of this stage register on crosslink.cli.app.app."""
