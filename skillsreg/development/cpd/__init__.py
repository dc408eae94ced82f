"""The CPD record: a member's log of learning activities, with hours, reflections and skills."""
