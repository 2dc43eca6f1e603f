"""Free-round campaigns: granted and cancelled by operators, registered with providers."""
