"""Long or remote work on a task queue (Huey), each piece recorded as a Job people can follow."""
