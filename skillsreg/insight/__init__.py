"""Community skills insight: the picture of the community's skills, published without exposing anyone."""
