"""The HTTP entry points. Each one translates: read, check, send one command, answer."""
