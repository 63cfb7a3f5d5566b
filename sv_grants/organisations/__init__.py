"""Applicant organisations, their members and invitations to join them."""
