"""Models of the register domain."""
