"""The `zhaoshang` sub-commands, one module each."""
