"""Handing a conversation to a human coordinator: the service, the spool and the notifications outbox."""
