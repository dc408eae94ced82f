"""core domain."""
