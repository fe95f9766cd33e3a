"""A plugin whose import calls sys.exit(0): it must not end the audit as a success."""

import sys

sys.exit(0)
