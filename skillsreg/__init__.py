"""skillsreg: the web professionals skills register."""
