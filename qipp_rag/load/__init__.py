"""Reading plan files: discovery, the strict YAML reader, source maps and scalar checks."""
