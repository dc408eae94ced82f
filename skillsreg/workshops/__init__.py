"""workshops domain."""
