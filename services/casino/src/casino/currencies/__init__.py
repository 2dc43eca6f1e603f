"""The currencies the casino takes, with their decimals, and amounts written for people."""
