"""Independent review of a submitted self-assessment, and the validated assessment it makes."""
