"""Measures: how each indicator is defined and computed from summed facts. No I/O here."""
