"""The consent-based register of interested people and its published snapshots."""
