"""What happens to a case, one transaction at a time.

Every operation takes a `CaseContext` (session, runtime, hub, now), changes rows and queues letters
in that session, and returns a typed outcome. Nothing here commits: the caller (intake, delivery)
owns the transaction, so a case change and its letters are stored together or not at all.
"""
