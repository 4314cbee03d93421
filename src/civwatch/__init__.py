"""civwatch: a protection-of-civilians observatory."""

__version__ = "0.1.0"
