"""Community skills insight: the community's skills, published without exposing anyone."""
