"""Professional development: plans, the CPD record and reminders."""
