"""Player protection as operators set it: limits per player and currency, and exclusions."""
