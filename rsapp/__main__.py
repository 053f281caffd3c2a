"""`rsapp` on the command line: starts the app, or runs a subcommand (see `rsapp --help`)."""

from rsapp.cli import cli

if __name__ == "__main__":
    raise SystemExit(cli())
