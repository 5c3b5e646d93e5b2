"""python bot.py run | chat | migrate | import | export | seed-demo: the command line,
bot/cli.py."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
