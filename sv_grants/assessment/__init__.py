"""Eligibility checks, reviewer assignment, conflicts of interest, scoring, moderation, decisions."""
