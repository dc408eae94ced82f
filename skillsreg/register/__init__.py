"""register domain."""
