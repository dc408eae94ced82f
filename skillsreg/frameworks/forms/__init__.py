"""Forms of the frameworks domain."""
