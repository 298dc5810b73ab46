"""Signals `ratings` sends so apps above it can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that changed a person's ratings commits.
# Arguments: user_id (int).
rating_changed = Signal()
