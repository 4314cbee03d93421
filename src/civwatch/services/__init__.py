"""Use cases: import a file, link, grade, compute an indicator. Entry points call only these."""
