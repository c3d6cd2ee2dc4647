"""Shared basics every layer uses: the home folder, the registers (seeds), ISO weeks and months, labels,
safe text and the user-facing error. This package imports nothing else of the project."""
