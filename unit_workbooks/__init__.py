"""The units' side of the weekly report: pre-filled templates to fill, and a receipt (回执) for every file."""
