"""Professional development: plans built from assessment gaps, and public commitments."""
