"""Cross-source linkage: which reports describe the same incident.

Blocking (country + a date window that respects date precision) runs in DuckDB; scoring is a
Fellegi-Sunter model over vectorised comparisons (numpy + rapidfuzz); clustering is greedy and
constrained (one report per source per incident unless a within-source duplicate is certain,
analysts' merges and splits always hold). See docs/linkage.md.
"""
