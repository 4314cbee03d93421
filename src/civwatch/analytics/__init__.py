"""Measures over the store: indicators as plain SQL aggregates."""
