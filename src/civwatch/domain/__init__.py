"""Plain types, taxonomies and rules. No I/O, no imports from other civwatch layers."""
