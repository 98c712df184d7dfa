"""Entry point for ``python -m lianzheng_cli``."""

from lianzheng_cli.entry import main

if __name__ == "__main__":
    main()
