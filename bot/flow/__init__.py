"""Flows: the format, loading and validation, compiling into transitions machines."""
