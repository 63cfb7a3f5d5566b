"""Monitoring returns: outputs delivered, participants reached, outcomes, spend and progress."""
