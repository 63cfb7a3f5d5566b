"""Funds, their priorities, rounds and criteria, intervention types and areas."""
