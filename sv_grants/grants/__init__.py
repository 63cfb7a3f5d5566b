"""Grants: offers and agreements, payment schedules, payments, bank details checks and variations."""
