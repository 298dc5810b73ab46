"""The staff dashboard (/staff/) and the health check (/healthz)."""
