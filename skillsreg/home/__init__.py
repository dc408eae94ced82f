"""A signed-in member's home page: what they have started and what to do next."""
