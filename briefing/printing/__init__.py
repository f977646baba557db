"""Printing through CUPS: `cups.py` (the adapter, with `ipp.py`), `jobs.py` (plan, submit, follow) and `register.py`."""
