"""Adapters for external formats: a file in, domain records and rejected rows out. No database code."""
