"""Models of the library domain."""
