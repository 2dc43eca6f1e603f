"""The shared language of casino and game provider. No I/O lives here."""
