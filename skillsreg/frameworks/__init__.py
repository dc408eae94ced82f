"""frameworks domain."""
