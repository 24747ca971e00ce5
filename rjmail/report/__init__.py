"""`rjmail report`: figures per hub and month for managers and commissioners (SPEC section 7)."""
