"""The linkage evaluation harness: labelled truth, metrics, perturbation (benchmarks/linkage_eval.py)."""
