"""`python -m hub.serve [--host H] [--port P] [--no-cluster]`: `manage.py serve` without
loading Django in the supervising process (it only starts and watches the web process and
the task cluster, which load it themselves), the cluster starting once the web process
accepts connections. `make run` uses it."""

import sys

from hub.management.commands.serve import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
