"""Operations: status, metrics, quarantine and outbox commands, timeline completeness."""
